"""One way to build the Jinja2 environment of a report template shipped as package data.

Why one place: every HTML page vigie writes (detection report, triage section, ...) must be
autoescaped and fail loudly on a missing variable (``StrictUndefined``) so a renamed field
never turns into a silently empty cell in front of an analyst.
"""

from __future__ import annotations

from importlib import resources

import jinja2


def package_env(package: str, folder: str = "templates") -> jinja2.Environment:
    """An autoescaping, strict environment reading templates from ``package``/``folder``.

    Templates are read through ``importlib.resources`` so they work from a wheel or a zip.
    """
    base = resources.files(package).joinpath(folder)
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: base.joinpath(name).read_text("utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
