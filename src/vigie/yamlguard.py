"""Refuse hostile or runaway YAML before it is built: too deep, or aliases that explode.

Why: PyYAML builds nested values recursively (a file nested 1,000 levels deep is a
``RecursionError`` traceback) and expands aliases without limit (a "billion laughs" file of
a few hundred bytes becomes 10^9 values, hours and gigabytes). A study or registry file is
written by hand: its depth stays in the tens and its anchors are few. Both checks here are
linear in the file: tokens are scanned without recursion, and the expanded size is counted
on the composed graph, each shared node once.
"""

from __future__ import annotations

import yaml

from vigie.errors import VigieError

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 1_000_000

_OPEN = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def check_yaml(text: str, source: str) -> None:
    """Raise a one-line ``VigieError`` naming ``source`` if ``text`` nests deeper than
    ``MAX_DEPTH`` or its aliases expand to more than ``MAX_EXPANDED_NODES`` values.

    Syntax errors are left to the real loader, which reports them with their line.
    """
    depth, aliases = 0, 0
    try:
        for tok in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(tok, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    line = tok.start_mark.line + 1
                    raise VigieError(
                        f"{source}: line {line}: nested more than {MAX_DEPTH} levels deep; "
                        "a hand-written file never needs this"
                    )
            elif isinstance(tok, _CLOSE):
                depth -= 1
            elif isinstance(tok, yaml.AliasToken):
                aliases += 1
    except yaml.YAMLError:
        return
    if not aliases:
        return
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return
    if root is None:
        return
    # expanded size of every node, children before parents, shared (aliased) nodes once
    size: dict[int, int] = {}
    open_: set[int] = set()  # nodes whose children are being counted: the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            size[id(node)] = 1
            continue
        children = (
            [v for pair in node.value for v in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if not done:
            if id(node) in open_:  # reached again below itself: `&a [*a]` holds itself
                line = node.start_mark.line + 1
                raise VigieError(
                    f"{source}: line {line}: an alias (*name) inside the value it names "
                    "makes a value that contains itself, without end; refused"
                )
            open_.add(id(node))
        if done:
            open_.discard(id(node))
            total = 1 + sum(size.get(id(c), 1) for c in children)
            size[id(node)] = total
            if total > MAX_EXPANDED_NODES:
                raise VigieError(
                    f"{source}: its aliases (*name) expand to more than "
                    f"{MAX_EXPANDED_NODES:,} values (a 'billion laughs' file?); refused"
                )
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
