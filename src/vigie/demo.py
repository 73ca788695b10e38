"""``vigie demo``: the main job end to end on embedded defaults."""

from __future__ import annotations


def demo() -> None:
    """Generate a French-election scenario, ingest it, detect, score and report."""
    from vigie.errors import VigieError

    raise VigieError("demo is not implemented yet")
