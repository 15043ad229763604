"""Exceptions for 'cannot proceed'; everything else is a `Diagnostic` on the document.

    GbaDocsError                 base: file, line and a one-line remedy
    ├── InputError               unreadable input: encoding, binary, empty, too large, bad format
    ├── ConfigError              invalid option, config file or unknown step name
    ├── GlossaryError            invalid glossary file or edit
    ├── TranslationError         engine failed
    │   └── ModelNotInstalled    no model for the language pair
    └── WriteError               an output could not be written

The original exception is kept in ``__cause__``.
"""

from __future__ import annotations


class GbaDocsError(Exception):
    """Base class: a message, optionally the file and line, and what to do next."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        remedy: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.remedy = remedy
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.remedy:
            text += f" ({self.remedy})"
        return text


class InputError(GbaDocsError):
    """An input cannot be read: wrong encoding, binary, empty, too large or malformed."""


class ConfigError(GbaDocsError):
    """An option, config file or step name is invalid."""


class GlossaryError(GbaDocsError):
    """A glossary file or glossary edit is invalid."""


class TranslationError(GbaDocsError):
    """A translation engine failed."""


class ModelNotInstalled(TranslationError):
    """No translation model is installed for the requested language pair."""


class WriteError(GbaDocsError):
    """An output file could not be written."""
