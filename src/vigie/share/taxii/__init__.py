"""TAXII 2.1 server for ``vigie share serve`` (see ``app`` for the endpoints and decisions).

Modules: ``config`` (server file), ``store`` (SQLAlchemy tables), ``auth`` (argon2
credentials), ``limits`` (size and rate limits), ``media`` (content negotiation, errors),
``validate`` (STIX intake), ``access`` (policy applied to TAXII), ``app`` (routes),
``server`` (uvicorn runners).
"""
