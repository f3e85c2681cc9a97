"""Write one report: ``DIR/<id>.txt`` (the normalised text) and ``DIR/<id>.json`` (the Report); read one back.

Both are written together, all or nothing (``atomic_write_group``): the text is renamed into place first
and the JSON last, so a JSON file always has its own text beside it. Output is
byte-identical for the same input: no timestamps, stable ordering, fixed float formatting (Pydantic).

``read_report`` is the one reader every consumer (dataset, review site, batch summary) uses: it checks
the ``schema_version`` first, reads a newer MINOR version by dropping the optional fields it does not
know, and refuses another MAJOR version with a ``SchemaVersionError`` naming the file.
"""

from __future__ import annotations

import json
import logging
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from peelextract.document import Document
from peelextract.errors import ContractError, InputError, PublishError, SchemaVersionError
from peelextract.models import SCHEMA_VERSION, Report
from peelextract.publish.files import atomic_write_group
from peelextract.text_utils import plural

log = logging.getLogger(__name__)

_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?")


def report_to_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write_report(report: Report, doc: Document, out_dir: Path) -> Path:
    rid = report.report.id
    if "/" in rid or "\\" in rid or rid.startswith(".") or ".." in rid:
        raise PublishError(doc.source.name, f"unsafe report id {rid!r}")
    path = out_dir / f"{rid}.json"
    atomic_write_group(
        [(out_dir / f"{rid}.txt", doc.text.encode("utf-8")), (path, report_to_json(report).encode("utf-8"))]
    )
    log.info("wrote %s", path)
    return path


# --- reading ---------------------------------------------------------------------------------------


def _version_tuple(version: str, source: str) -> tuple[int, int, int]:
    m = _SEMVER.fullmatch(version)
    if m is None:
        raise SchemaVersionError(source, f"schema_version {version!r} is not semantic versioning (MAJOR.MINOR.PATCH)")
    return int(m[1]), int(m[2]), int(m[3])


def check_schema_version(version: object, source: str) -> bool:
    """Raise ``SchemaVersionError`` unless this reader understands ``version``.

    Returns True when the data is a newer MINOR of our major (it may carry optional fields we do not know).
    """
    if not isinstance(version, str):
        raise SchemaVersionError(
            source,
            f"schema_version missing or not a string (found {version!r}); expected a version like {SCHEMA_VERSION!r}",
        )
    theirs, ours = _version_tuple(version, source), _version_tuple(SCHEMA_VERSION, "peelextract")
    if theirs[0] > ours[0]:
        raise SchemaVersionError(
            source,
            f"written with contract version {version}, a newer major version than "
            f"this peelextract reads ({SCHEMA_VERSION}); upgrade peelextract to read it",
        )
    if theirs[0] < ours[0]:
        raise SchemaVersionError(
            source,
            f"written with contract version {version}, an older major version than "
            f"this peelextract reads ({SCHEMA_VERSION}); re-extract the report",
        )
    return theirs[:2] > ours[:2]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _strip_unknown(model: type[BaseModel], data: Any, where: str, dropped: list[str]) -> Any:
    """Drop fields ``model`` does not define (recursively): optional fields added by a newer minor version."""
    if isinstance(data, list):
        return [_strip_unknown(model, item, f"{where}[{i}]", dropped) for i, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            dropped.append(f"{where}.{key}")
            continue
        inner = _model_in(field.annotation)
        out[key] = _strip_unknown(inner, value, f"{where}.{key}", dropped) if inner else value
    return out


def read_report(path: Path) -> Report:
    """Read ``OUT/<id>.json`` as a Report, checking its ``schema_version`` first.

    A newer MAJOR (or an older one) raises ``SchemaVersionError``; a newer MINOR is read, ignoring the
    optional fields this version does not know (logged). Bad JSON is an ``InputError``, JSON that does not
    match the contract a ``ContractError``; each names the file and the reason.
    """
    return report_from_data(read_report_data(path), path)


def read_report_data(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``, not yet checked against the contract (``InputError``/``ContractError``)."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(str(path), f"cannot read report JSON: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ContractError(str(path), f"expected a JSON object (a report), found {type(data).__name__}")
    return data


def report_from_data(data: dict[str, Any], path: Path) -> Report:
    """The Report in ``data`` (read from ``path``), after the schema-version check of ``read_report``."""
    if check_schema_version(data.get("schema_version"), str(path)):
        dropped: list[str] = []
        data = _strip_unknown(Report, data, "$", dropped)
        if dropped:
            log.warning(
                "%s: contract %s is newer than %s; ignoring fields %s",
                path,
                data["schema_version"],
                SCHEMA_VERSION,
                ", ".join(dropped[:10]) + (" …" if len(dropped) > 10 else ""),
            )
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        raise ContractError(
            str(path), f"does not match the report contract ({plural(exc.error_count(), 'error')}): {first}"
        ) from exc
