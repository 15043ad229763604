"""Offline machine translation: engines, Argos packages, translation memory, term protection.

Importing this package is light: CTranslate2, sentencepiece and lxml load only when a model
is used or a TMX file is read. It does not download anything unless asked to install a model.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Engine": ".base", "get_engine": ".base", "ENGINE_NAMES": ".base",
    "IdentityEngine": ".fake", "DictionaryEngine": ".fake", "CountingEngine": ".fake",
    "ArgosEngine": ".argos",
    "PackageInfo": ".packages", "InstallLimits": ".packages", "list_packages": ".packages",
    "find_package": ".packages", "install_package": ".packages", "install_from_index": ".packages",
    "remove_package": ".packages", "packages_dir": ".packages", "validate_archive": ".packages",
    "TranslationMemory": ".memory", "TMEntry": ".memory", "import_tmx": ".memory",
    "export_tmx": ".memory", "default_tm_path": ".memory",
    "protect": ".protect", "restore": ".protect", "TermSpan": ".protect",
    "translate_documents": ".run", "TranslateStats": ".run",
}
__all__ = [
    "ENGINE_NAMES", "ArgosEngine", "CountingEngine", "DictionaryEngine", "Engine", "IdentityEngine",
    "InstallLimits", "PackageInfo", "TMEntry", "TermSpan", "TranslateStats", "TranslationMemory",
    "default_tm_path", "export_tmx", "find_package", "get_engine", "import_tmx",
    "install_from_index", "install_package", "list_packages", "packages_dir", "protect",
    "remove_package", "restore", "translate_documents", "validate_archive",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
