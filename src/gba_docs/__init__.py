"""gba-docs: clean bilingual (Chinese/English) documents from Greater Bay Area sources.

    >>> import gba_docs
    >>> bi = gba_docs.convert("seeds/001_db7c19a780cc40f6.txt")     # doctest: +SKIP
    >>> [u.zh["zh-Hant-HK"] for u in bi.units][:1]                  # doctest: +SKIP

Names are imported on first use, so `import gba_docs` stays fast.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

_EXPORTS: dict[str, str] = {
    # pipeline
    "read_path": "pipeline", "read_bytes": "pipeline", "convert": "pipeline",
    "convert_many": "pipeline", "build_bilingual": "pipeline", "BatchReport": "pipeline",
    "FileResult": "pipeline", "ConvertOptions": "config",
    # model
    "Document": "model", "BilingualDocument": "model", "Unit": "model", "Segment": "model",
    "Mark": "model", "Change": "model", "Diagnostic": "model", "Meta": "model",
    "Source": "model", "GlossaryHit": "model", "Origin": "model", "SCHEMA_VERSION": "model",
    # stages
    "detect_format": "readers", "READERS": "readers",
    "run_fixes": "fixes", "replay": "fixes", "FIXES": "fixes",
    "convert_script": "script", "convert_text": "script", "detect_script": "script",
    "load_glossary": "glossary", "Glossary": "glossary",
    "align_documents": "align", "align_texts": "align",
    "WRITERS": "writers", "load_json": "writers",
    # errors
    "GbaDocsError": "errors", "InputError": "errors", "ConfigError": "errors",
    "GlossaryError": "errors", "TranslationError": "errors", "ModelNotInstalled": "errors",
    "WriteError": "errors",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gba_docs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
