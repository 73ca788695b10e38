"""TAXII 2.1 server for ``vigie share serve`` (see ``app`` for the endpoints and decisions).

Modules: ``config`` (server file), ``tables`` (SQLAlchemy tables; the database is opened by
``vigie.share.store``), ``auth`` (argon2 credentials), ``limits`` (size and rate limits),
``media`` (content negotiation, errors), ``validate`` (STIX intake checks), ``access``
(policy applied to TAXII), ``state`` (what the views share), ``gate`` (the request
pipeline), ``params`` (query parameters), ``queries`` (SQL), ``delivery`` (what a reader
receives), ``intake`` (what a writer may add), ``views`` (one module per resource), ``app``
(assembly), ``publish`` (our findings into collections), ``server`` (uvicorn runners);
``store`` re-exports the store and tables for older imports.
"""
