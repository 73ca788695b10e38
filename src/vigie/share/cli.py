"""``vigie share …`` sub-commands, assembled from the two halves of the sharing area.

``cli_trust`` holds the policy/STIX/MISP commands, ``cli_net`` the TAXII server and the
private comparison; each registers its commands on ``app``.
"""

from __future__ import annotations

import typer

from vigie.share.cli_net import register as _register_net
from vigie.share.cli_trust import register as _register_trust

app = typer.Typer(no_args_is_help=True)
_register_trust(app)
_register_net(app)
