"""EBIOS Risk Manager studies (ANSSI, guide v1.5) with an election template.

A study is a YAML (or JSON) file an analyst edits by hand; vigie checks it, computes what
the method computes, and reports it for a steering committee:

* ``model.py`` — the study's structure (pydantic), one model per workshop object;
* ``scales.py`` — levels, labels (fr/en), the risk grid and the default settings;
* ``check.py`` — loading and *all* errors at once, each with its path;
* ``compute.py`` — relevance, threat level and zones, severities, the three likelihood
  methods, risk levels, residuals and forced values (formulas in its docstring);
* ``templates.py`` + ``templates/election-{fr,en}.yaml`` — a complete presidential study;
* ``evidence.py`` — observed DISARM techniques in a Findings folder → proposed likelihoods;
* ``report_html.py`` + ``svg.py`` + ``templates/report.html.j2`` — the offline HTML report;
* ``export_xlsx.py`` — the spreadsheet export, ``import_xlsx.py`` reads it back,
  ``xlsx_labels.py`` its sheet names and headers (fr/en), ``vigie.workbook`` bounded reading;
* ``ciso_format.py``, ``ciso_export.py``, ``ciso_import.py`` + ``ciso_convert.py`` — CISO
  Assistant's EBIOS RM study workbook, out and in; ``tables.py`` — terminal tables;
* ``cli.py`` — ``vigie risk new | check | compute | diff | report | export | import-xlsx |
  import-ciso | evidence``.
"""
