"""The engine protocol every translator implements, and `get_engine` to build one by name.

An engine turns a list of source segments into the same number of target segments and says
who it is (`id`, `model_version`) for provenance. It does no caching: the translation memory
sits in front of every engine (see `run.py`).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from ..errors import ConfigError

ENGINE_NAMES = ("argos", "identity", "dictionary", "none")


@runtime_checkable
class Engine(Protocol):
    """Segments in, segments out, one for one; empty segments come back as ""."""

    id: str
    model_version: str

    def translate_batch(self, segments: list[str]) -> list[str]:
        """Translate every segment; the result has the same length and order."""
        ...


def get_engine(name: str, **opts: Any) -> Engine | None:
    """Build an engine by name: "argos", "identity", "dictionary" or "none" (→ None).

    Options go to the engine's constructor (e.g. `beam_size`, `device`, `packages_dir` for
    argos; `entries` for dictionary). Argos loads its model lazily, on the first batch.

    >>> get_engine("identity").translate_batch(["香港", ""])
    ['香港', '']
    >>> get_engine("none") is None
    True
    """
    key = name.strip().lower()
    if key == "none":
        return None
    if key == "identity":
        from .fake import IdentityEngine

        return IdentityEngine(**opts)
    if key == "dictionary":
        from .fake import DictionaryEngine

        return DictionaryEngine(**opts)
    if key == "argos":
        from .argos import ArgosEngine

        return ArgosEngine(**opts)
    raise ConfigError(f"unknown translation engine {name!r}",
                      remedy=f"choose one of: {', '.join(ENGINE_NAMES)}")
