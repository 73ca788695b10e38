"""Names a person gives to folders inside a workspace (a Dataset, a study, an upload).

Why one rule for every entry point: the web workbench and the command line both turn such a
name into ``workspace/datasets/NAME`` (or ``risk/NAME``); a name holding ``/`` or ``..``
would write outside the folder meant for it (``vigie watch --dataset ../../etc`` did).
"""

from __future__ import annotations

import re

from vigie.errors import VigieError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def safe_name(name: str, what: str) -> str:
    """A folder name typed by a person: letters, digits, '.', '_' and '-' only (no '..')."""
    if not NAME_RE.match(name) or ".." in name:
        raise VigieError(f"{what} {name!r}: use letters, digits, '.', '_' or '-' (max 80)")
    return name
