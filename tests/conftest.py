"""Session setup: private Argos/XDG/TM folders (set before anything imports argostranslate)
and the tiny `.argosmodel` packages, built once per session.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="gba-docs-tests-"))
for _name, _sub in (("ARGOS_PACKAGES_DIR", "argos-packages"), ("XDG_DATA_HOME", "xdg-data"),
                    ("XDG_CONFIG_HOME", "xdg-config"), ("XDG_CACHE_HOME", "xdg-cache")):
    os.environ[_name] = str(_SESSION_HOME / _sub)
os.environ["GBA_DOCS_TM"] = str(_SESSION_HOME / "tm" / "session-tm.sqlite")
os.environ.pop("GBA_DOCS_ARGOS_INDEX", None)

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory):
    """The copy and random test packages (built once, about half a second)."""
    from argos_fixtures import build_tiny_packages

    return build_tiny_packages(tmp_path_factory.mktemp("argos-build"))


@pytest.fixture(scope="session")
def installed_models(tiny_packages, tmp_path_factory: pytest.TempPathFactory):
    """A packages folder holding both test packages, installed through the real installer."""
    from gba_docs.translate.packages import install_package

    folder = tmp_path_factory.mktemp("argos-installed")
    copy = install_package(tiny_packages.copy, folder)
    random = install_package(tiny_packages.random, folder)
    return {"dir": folder, "copy": copy, "random": random}


@pytest.fixture
def packages_folder(tmp_path: Path) -> Path:
    """An empty packages folder for one test."""
    folder = tmp_path / "packages"
    folder.mkdir()
    return folder
