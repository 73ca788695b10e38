"""One way to load a hand-written YAML or TOML document and validate it with pydantic.

Why one module: the partners registry, the TAXII server configuration and the detection
settings are all files an analyst edits by hand and keeps under change control. Each used to
read, parse and report errors its own way (two YAML readers, one of them with no guard
against a "billion laughs" file, three error formats). Here a document is

1. read as UTF-8 text (missing, unreadable or non-UTF-8 file: one line naming it);
2. parsed as TOML (``.toml``) or YAML (anything else), YAML only after ``yamlguard`` refused
   nesting deeper than 64 levels or aliases that expand past a million values, so a hostile
   file is one line in bounded time, never a ``RecursionError`` or hours of expansion;
3. validated by a pydantic model whose every problem is reported at once, each with the path
   of the value inside the document: ``partners.yaml: partners[2].trust: 7 is outside 1..4``.

Models derive from ``DocModel``: unknown keys are refused (a typo must not fall back to a
default silently), ``nan``/``inf`` are refused (YAML ``.nan`` and TOML ``nan`` are valid
syntax but never a meaningful threshold), and a validator may raise ``ValueError`` (its
message is shown with the offending value) or ``DocProblem`` (its message is shown as is).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from types import UnionType
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from vigie.errors import InputError, VigieError
from vigie.json_guard import too_long
from vigie.yamlguard import check_yaml

M = TypeVar("M", bound=BaseModel)

PROBLEM_TYPE = "vigie_problem"


def DocProblem(message: str) -> PydanticCustomError:  # noqa: N802 - used like an exception class
    """An error for a validator to raise whose ``message`` is shown exactly as written
    (``ValueError`` messages get the offending value appended)."""
    return PydanticCustomError(PROBLEM_TYPE, message)


class DocModel(BaseModel):
    """Base of every document model: strict keys, finite numbers, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    allow_x_keys: ClassVar[bool] = False
    """Whether the model keeps ``x_*`` keys (say so in "unknown key" messages)."""


class DocumentError(InputError):
    """An invalid document: ``problems`` holds one line per problem, each with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems), file=source)
        self.problems = problems
        self.args = (f"{source}: " + "; ".join(problems),)


# --- reading ------------------------------------------------------------------------------------


def parse_text(text: str, source: str, fmt: str = "yaml") -> Any:
    """Parse ``text`` as ``"yaml"`` or ``"toml"``; one-line ``InputError`` naming ``source``."""
    if fmt == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML ({_one_line(exc)})", file=source) from None
        except ValueError as exc:  # an integer of more digits than Python converts
            raise InputError(f"not valid TOML ({too_long(exc) or exc})", file=source) from None
        except RecursionError:
            raise InputError("nested too deeply to read", file=source) from None
    check_yaml(text, source)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        why = getattr(exc, "problem", None) or _one_line(exc)
        raise InputError(f"not valid YAML{line} ({why})", file=source) from None
    except ValueError as exc:  # PyYAML builds values: 2026-13-45, a 5,000-digit integer
        why = too_long(exc) or _one_line(exc)
        raise InputError(f"not a valid value in YAML ({why})", file=source) from None
    except RecursionError:  # guarded above; kept so that no input is ever a traceback
        raise InputError("nested too deeply to read", file=source) from None


def format_of(path: Path) -> str:
    """``"toml"`` for a ``.toml`` file, else ``"yaml"``."""
    return "toml" if path.suffix.lower() == ".toml" else "yaml"


def read_document(path: str | Path, *, what: str = "file", fmt: str | None = None) -> Any:
    """The parsed content of ``path`` (``fmt``: ``"yaml"``/``"toml"``, default by suffix).

    ``what`` names the document in errors: ``partners registry not found``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VigieError(f"{p}: {what} not found") from None
    except UnicodeDecodeError as exc:
        raise VigieError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise VigieError(f"{p}: cannot read the {what} ({exc.strerror or exc})") from None
    return parse_text(text, str(p), fmt or format_of(p))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


# --- validating ---------------------------------------------------------------------------------


def path_text(loc: Iterable[int | str]) -> str:
    """``("partners", 2, "trust")`` → ``partners[2].trust``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model that holds the value at ``loc`` (to list its allowed keys)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _inner(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner(annotation: Any) -> Any:
    """The model inside ``list[X]``, ``X | None``, ``dict[str, X]`` (else ``annotation``)."""
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return _inner(get_args(annotation)[0])
    if origin is dict:
        return _inner(get_args(annotation)[1])
    if origin in (Union, UnionType):
        for arg in get_args(annotation):
            inner = _inner(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def problems_of(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """One line per problem, each starting with the path of the value it concerns."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = path_text(loc) or "<top>"
        kind = err["type"]
        given = err.get("input")
        if kind == PROBLEM_TYPE:
            out.append(f"{where}: {err['msg']}")
        elif kind == "missing":
            out.append(f"{where}: missing (required)")
        elif kind == "extra_forbidden":
            holder = _model_at(model, loc[:-1])
            allowed = ""
            if holder is not None:
                allowed = ", ".join(f for f in holder.model_fields if not f.startswith("x_"))
                if getattr(holder, "allow_x_keys", False):
                    allowed += ", or x_*"
            what = "unknown top-level key" if len(loc) == 1 else "unknown field"
            out.append(f"{where}: {what}" + (f" (allowed: {allowed})" if allowed else ""))
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            out.append(f"{where}: expected a mapping of fields, got {type(given).__name__}")
        elif kind == "list_type":
            out.append(f"{where}: expected a list, got {type(given).__name__}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            # a whole section as "input" (a check across its fields) would only be noise
            got = "" if isinstance(given, dict | list) else f" (got {given!r})"
            out.append(f"{where}: {msg}{got}")
    return out


def validate(
    model: type[M],
    data: Any,
    source: str,
    *,
    problems: Iterable[str] = (),
    context: dict[str, Any] | None = None,
) -> M:
    """``data`` validated by ``model``, or a ``DocumentError`` listing every problem.

    ``problems`` are found by the caller on the raw data (checks that need no valid model,
    such as duplicate names) and are reported together with the model's own."""
    found = list(problems)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise DocumentError(source, [*found, f"expected a mapping at the top, got {got}"])
    try:
        result = model.model_validate(data, context=context)
    except ValidationError as exc:
        raise DocumentError(source, [*problems_of(exc, model), *found]) from None
    except VigieError as exc:  # a validator's own error: keep it on one line with the file
        raise DocumentError(source, [str(exc), *found]) from None
    if found:
        raise DocumentError(source, found)
    return result


def load_document(
    path: str | Path,
    model: type[M],
    *,
    what: str = "file",
    context: dict[str, Any] | None = None,
) -> M:
    """Read ``path`` (YAML or TOML by suffix) and validate it with ``model``."""
    data = read_document(path, what=what)
    return validate(model, data, str(path), context=context)
