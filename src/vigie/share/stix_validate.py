"""``stix2-validator`` on whole bundles, at a usable speed.

Why a shim: stix2-validator 3.x builds a new JSON-schema validator for every object it checks,
and each one re-reads and re-crawls the shared schema files (``common/core.json``,
``identifier.json`` …) through ``referencing`` on every ``$ref`` — most of its time on a bundle
of a few thousand objects. While ``validation_report`` runs, we swap its ``load_validator``
for one that keeps one validator per schema, over a registry that already holds every
bundled schema file, crawled once. The schemas, the checks and the messages are the
validator's own; only the repeated loading is skipped. If the library's internals ever
change shape, the shim steps aside and the plain validator runs (slower, same answers).

``validation_report(bundle, fast=True)`` → ``(errors, warnings)``; ``validation_errors``.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()


@contextlib.contextmanager
def _cached_validators() -> Iterator[None]:
    try:
        import stix2validator.validator as sv

        original = sv.load_validator
        retrieve = sv.retrieve_from_filesystem
    except (ImportError, AttributeError):  # pragma: no cover - other library versions
        yield
        return
    cache: dict[tuple[str, str], Any] = {}
    resources: dict[str, list[tuple[str, Any]]] = {}

    def schema_resources(schema_dir: str) -> list[tuple[str, Any]]:
        if schema_dir not in resources:
            found = []
            for p in sorted(Path(schema_dir).rglob("*.json")):
                if "examples" in p.parts:
                    continue
                uri = p.resolve().as_uri()
                try:
                    found.append((uri, retrieve(uri, schema_dir)))
                except Exception:  # noqa: BLE001 - a file it could not load: left to retrieval
                    continue
            resources[schema_dir] = found
        return resources[schema_dir]

    def load_validator(schema_path: str, schema: Any, schema_dir: str) -> Any:
        key = (schema_path, schema_dir)
        if key not in cache:
            base = original(schema_path, schema, schema_dir)
            try:
                registry = base._registry.with_resources(schema_resources(schema_dir)).crawl()
                cache[key] = type(base)(
                    base.schema, registry=registry, format_checker=base.format_checker
                )
            except Exception:  # noqa: BLE001 - internals changed: use the plain validator
                cache[key] = base
        return cache[key]

    with _LOCK:
        sv.load_validator = load_validator
        try:
            yield
        finally:
            sv.load_validator = original


def validation_report(
    bundle: dict[str, Any] | str, *, fast: bool = True
) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` that ``stix2-validator`` reports for a bundle (STIX 2.1)."""
    from stix2validator import ValidationOptions, validate_string

    text = bundle if isinstance(bundle, str) else json.dumps(bundle)
    ctx = _cached_validators() if fast else contextlib.nullcontext()
    errors: list[str] = []
    warnings: list[str] = []

    def check(text: str) -> None:
        results = validate_string(text, ValidationOptions(version="2.1"))
        for r in results if isinstance(results, list) else [results]:
            errors.extend(f"{r.object_id}: {e}" for e in r.errors)
            warnings.extend(f"{r.object_id}: {w}" for w in (r.warnings or []))
            if not r.is_valid and not r.errors:
                errors.append(f"{r.object_id}: rejected by stix2-validator")

    with ctx:
        try:
            check(text)
        except Exception:  # noqa: BLE001 - the validator's own failure on a malformed object
            errors.clear()
            warnings.clear()
            _object_by_object(text, check, errors)
    return errors, warnings


def _object_by_object(text: str, check: Any, errors: list[str]) -> None:
    """Check each object of a bundle alone, after the validator failed on the whole.

    Why: stix2-validator assumes each property has its type (it hashes a ``type`` that is
    an object, matches a regex on a ``created`` that is a number) and raises where it should
    report, so a malformed bundle from a partner was a traceback that named nothing. Alone,
    each object is reported as usual, and one the validator still fails on is named, with
    what failed."""
    data = json.loads(text)
    objects = data.get("objects") if isinstance(data, dict) else None
    if not isinstance(objects, list):
        errors.append("bundle: stix2-validator could not read it (not an object with a list)")
        return
    for i, obj in enumerate(objects):
        oid = obj.get("id") if isinstance(obj, dict) else None
        name = oid if isinstance(oid, str) else f"object {i}"
        alone = {k: v for k, v in data.items() if k != "objects"} | {"objects": [obj]}
        try:
            check(json.dumps(alone))
        except Exception as exc:  # noqa: BLE001 - as above, now for one object
            errors.append(
                f"{name}: stix2-validator failed on it ({type(exc).__name__}: {exc}); "
                "a property holds a value of the wrong type"
            )
    if not errors:  # every object passes alone: the bundle's own properties are at fault
        errors.append("bundle: stix2-validator failed on its own properties (id, type)")


def validation_errors(bundle: dict[str, Any] | str, *, fast: bool = True) -> list[str]:
    """Errors ``stix2-validator`` finds in a bundle (empty: valid)."""
    return validation_report(bundle, fast=fast)[0]
