"""The application file for ``spark-submit``: ``vigie detect --engine spark`` as a script.

Why a file: ``spark-submit`` launches a Python *file* as the driver (it sets the master,
the executors' resources and the cluster's Hadoop settings around it). This one forwards its
arguments to ``vigie detect`` with ``--engine spark``, so the session spark-submit prepared
is the one the detectors run in. Its path::

    python -c 'import vigie.detect.spark_submit as m; print(m.__file__)'

See docs/spark.md for the full recipe.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``vigie detect ARGS --engine spark`` (``--engine`` given once is enough)."""
    from vigie.cli import main as vigie_main

    args = list(sys.argv[1:] if argv is None else argv)
    if "--engine" not in args:
        args += ["--engine", "spark"]
    vigie_main(["detect", *args])


if __name__ == "__main__":
    main()
