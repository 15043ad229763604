"""Options for each stage, validated with pydantic: defaults ← project file ← command-line flags.

The project file is `gba-docs.toml` (top-level keys) or `[tool.gba-docs]` in `pyproject.toml`,
looked up from the working folder upwards. A key that is not an option is an error naming it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

SCRIPT_TAGS = ("zh-Hans", "zh-Hant", "zh-Hant-HK", "zh-Hant-MO", "zh-Hant-TW")
DEFAULT_FORMATS = ("clean", "json", "md", "html")


class ConvertOptions(BaseModel):
    """Everything `convert` can be told; one field = one config key = one CLI flag."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    to: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FORMATS),
        description="Output formats: clean, json, md, md-table, html, tmx, xlf, docx.",
    )
    scripts: list[str] = Field(
        default_factory=lambda: ["zh-Hans", "zh-Hant-HK"],
        description="Chinese views to produce (BCP 47 script/region tags).",
    )
    phrases: bool = Field(default=False, description="Use OpenCC's regional phrase configs.")
    input_format: Literal["auto", "html", "markdown", "text"] = Field(
        default="auto", description="Force a reader instead of detecting one."
    )
    encoding: str | None = Field(default=None, description="Force an input encoding.")
    max_bytes: int = Field(default=200 * 1024 * 1024, gt=0, description="Refuse larger inputs.")
    fixes: list[str] | None = Field(default=None, description="Fixes to run (None = all).")
    skip_fixes: list[str] = Field(default_factory=list, description="Fixes to leave out.")
    glossary: str | None = Field(default=None, description="Glossary file (None = shipped).")
    use_glossary: bool = Field(default=True, description="Apply the glossary at all.")
    mt: Literal["auto", "argos", "identity", "none"] = Field(
        default="auto", description="Translation engine; auto = an installed Argos zh→en model."
    )
    model_dir: str | None = Field(default=None, description="Argos packages folder.")
    beam_size: int = Field(default=2, ge=1, le=16)
    threads: int = Field(default=0, ge=0, description="Engine threads (0 = all cores).")
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    compute_type: str = Field(default="default", description="CTranslate2 compute type.")
    tm: str | None = Field(default=None, description="Translation memory file (None = default).")
    use_tm: bool = Field(default=True, description="Use the translation memory.")
    protect_terms: Literal["placeholder", "inline"] = "placeholder"
    workers: int | None = Field(default=None, ge=1, description="Processes (None = cores).")
    engine: Literal["local", "dask"] = Field(
        default="local", description="Where files are converted: local processes or dask."
    )
    scheduler: str | None = Field(default=None, description="dask.distributed scheduler address.")
    force: bool = Field(default=False, description="Convert even what the manifest says is done.")
    fail_on_warning: bool = False

    @field_validator("fixes", "skip_fixes")
    @classmethod
    def _known_fixes(cls, value: list[str] | None) -> list[str] | None:
        if value:
            from .fixes import FIXES

            known = [name for name, _ in FIXES]
            unknown = [name for name in value if name not in known]
            if unknown:
                raise ValueError(f"unknown fix {', '.join(unknown)}; known: {', '.join(known)}")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value:
            import codecs

            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r} (e.g. utf-8, gb18030, big5hkscs)") from None
        return value

    @field_validator("scripts")
    @classmethod
    def _known_scripts(cls, value: list[str]) -> list[str]:
        unknown = [s for s in value if s not in SCRIPT_TAGS]
        if unknown:
            raise ValueError(f"unknown script {unknown}; known: {', '.join(SCRIPT_TAGS)}")
        return value


def find_project_config(start: Path | None = None) -> Path | None:
    """The nearest gba-docs.toml, or pyproject.toml with a [tool.gba-docs] table."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "gba-docs.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "gba-docs" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path=str(path),
                          remedy="fix the TOML syntax") from exc


def load_project_config(path: Path | None) -> dict[str, Any]:
    """The option table of a project file (empty if there is none)."""
    if path is None:
        return {}
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("gba-docs", {})
    if not isinstance(data, dict):
        raise ConfigError("the gba-docs table must be a table of options", path=str(path))
    return {key.replace("-", "_"): value for key, value in data.items()}


def build_options(file_values: dict[str, Any], flag_values: dict[str, Any],
                  *, source: str | None = None) -> ConvertOptions:
    """Merge defaults ← file ← flags (flags that were not given are None and ignored)."""
    merged = dict(file_values)
    merged.update({k: v for k, v in flag_values.items() if v is not None})
    try:
        return ConvertOptions(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'options'}: "
            f"{'unknown option' if err['type'] == 'extra_forbidden' else err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid options: {problems}", path=source,
                          remedy="see `gba-docs convert --help` for the option names") from exc
