"""The GBA glossary: one entry per concept feeding OpenCC overrides, jieba words, translation
constraints and terminology QA.

Importing this package is light; OpenCC, jieba, pyahocorasick and lxml load on first use.
"""

from __future__ import annotations

from .apply import check_terminology, jieba_tokenizer
from .io import default_glossary_path, load_glossary, save_glossary
from .lint import lint_glossary
from .model import CATEGORIES, COLUMNS, Glossary, LintFinding, Term, TermMatch

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "Glossary",
    "LintFinding",
    "Term",
    "TermMatch",
    "check_terminology",
    "default_glossary_path",
    "jieba_tokenizer",
    "lint_glossary",
    "load_glossary",
    "save_glossary",
]
