"""JSON writers and loader for the versioned model (`schema_name` + `version` in every dump).

Loading picks the class by `schema_name` and refuses another major version with a message that
says what to do. It does no file I/O: callers pass and receive text.
"""

from __future__ import annotations

import json as _json
import re
from typing import Any

from ..errors import InputError
from ..model import (
    BILINGUAL_SCHEMA_NAME,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    BilingualDocument,
    Document,
)

_SURROGATE = re.compile("[\ud800-\udfff]")


def _dump(model: Document | BilingualDocument) -> str:
    from pydantic_core import PydanticSerializationError

    try:
        return model.model_dump_json(indent=2) + "\n"
    except PydanticSerializationError:
        # lone surrogates cannot be UTF-8: write them as JSON \\u escapes, which load back
        text = _json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2)
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


def write_document_json(doc: Document) -> str:
    """The document as indented UTF-8 JSON (Chinese kept as characters, not \\u escapes)."""
    return _dump(doc)


def write_bilingual_json(bi: BilingualDocument) -> str:
    """The bilingual document (source, units, provenance) as indented JSON."""
    return _dump(bi)


def load_json(text: str | bytes, *, path: str | None = None) -> Document | BilingualDocument:
    """Load a dump written by `write_document_json` or `write_bilingual_json`.

    >>> load_json(write_document_json(Document())).schema_name
    'gba-docs.document'
    >>> load_json('{"schema_name": "gba-docs.document", "version": "2.0"}')
    Traceback (most recent call last):
    ...
    gba_docs.errors.InputError: gba-docs.document version 2.0 cannot be read by this gba-docs (schema 1.0) (convert the source again, or use the gba-docs release that wrote it)
    """
    try:
        data: Any = _json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"not valid JSON: {exc}", path=path, line=line,
                         remedy="pass a .json file written by gba-docs") from exc
    if not isinstance(data, dict):
        raise InputError("JSON is not a gba-docs dump (top level is not an object)", path=path,
                         remedy="pass a .json file written by gba-docs")
    name = data.get("schema_name")
    version = str(data.get("version", ""))
    if name not in (SCHEMA_NAME, BILINGUAL_SCHEMA_NAME):
        raise InputError(f"unknown schema_name {name!r}", path=path,
                         remedy=f"expected {SCHEMA_NAME!r} or {BILINGUAL_SCHEMA_NAME!r}")
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError(f"{name} version {version or '(missing)'} cannot be read by this "
                         f"gba-docs (schema {SCHEMA_VERSION})", path=path,
                         remedy="convert the source again, or use the gba-docs release that "
                                "wrote it")
    cls = Document if name == SCHEMA_NAME else BilingualDocument
    from pydantic import ValidationError

    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(f"invalid {name} dump at {where or 'top level'}: {first.get('msg')}",
                         path=path, remedy="regenerate it with gba-docs; do not edit by hand"
                         ) from exc
