"""Readers that turn platform exports and generic tables into a canonical Dataset.

``ingest(sources, into, fmt="auto", mapping=None, platform=None) -> IngestReport`` is the entry
point (see ``vigie.ingest.api``); one module per source format does the reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigie.ingest.api import IngestReport, SourceReport, ingest

__all__ = ["IngestReport", "SourceReport", "ingest"]


def __getattr__(name: str) -> Any:
    # lazy: importing vigie.ingest must stay cheap for ``vigie --help``
    if name in __all__:
        from vigie.ingest import api

        return getattr(api, name)
    raise AttributeError(name)
