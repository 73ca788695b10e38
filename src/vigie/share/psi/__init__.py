"""Building blocks of private comparison (see ``vigie.share.compare`` for the protocol).

``canon`` (canonical identifiers), ``padding`` (set-size bucketing), ``ecdh`` (OpenMined
ECDH PSI, the strong backend) and ``keyed`` (keyed-hash fallback, weaker: read its docstring).
"""
