"""`gba-docs models list | install FILE.argosmodel | install zh en | remove NAME`.

Only argparse wiring lives at the top level; package handling is imported inside handlers.
Installing validates the whole archive before anything becomes visible.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `models` command and its subcommands."""
    parser = subparsers.add_parser(
        "models", help="list, install and remove offline translation models (Argos packages)",
        description="Manage Argos Translate packages used by the argos engine. The folder is "
                    "$ARGOS_PACKAGES_DIR, else $XDG_DATA_HOME/argos-translate/packages, else "
                    "~/.local/share/argos-translate/packages, unless --dir is given.")
    parser.set_defaults(handler=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="models_command", metavar="COMMAND")

    listing = sub.add_parser("list", help="show installed packages")
    _dir_arg(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=cmd_list)

    install = sub.add_parser(
        "install", help="install FILE.argosmodel, or FROM TO from the Argos package index",
        description="install FILE.argosmodel validates and installs a downloaded package; "
                    "install FROM TO (e.g. zh en) downloads the newest package from the index.")
    install.add_argument("what", nargs="+", metavar="FILE | FROM TO")
    _dir_arg(install)
    install.add_argument("--replace", action="store_true", help="replace an installed version")
    install.add_argument("--pair", metavar="FROM-TO",
                         help="refuse a file that does not translate this pair, e.g. zh-en")
    install.add_argument("--index-url", metavar="URL", help="package index JSON (default: Argos's)")
    install.add_argument("--timeout", type=float, default=10.0, help="network timeout, seconds")
    install.set_defaults(handler=cmd_install)

    remove = sub.add_parser("remove", help="remove an installed package by name (or pair)")
    remove.add_argument("name", metavar="NAME")
    _dir_arg(remove)
    remove.set_defaults(handler=cmd_remove)


def _dir_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", dest="packages_dir", metavar="DIR",
                        help="packages folder (default: the standard Argos folder)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def cmd_list(args: argparse.Namespace) -> int:
    from ..translate.packages import packages_dir, scan_packages

    found, problems = scan_packages(args.packages_dir)
    if args.json:
        print(json.dumps({"dir": str(packages_dir(args.packages_dir)), "problems": problems,
                          "packages": [{"name": p.name, "pair": p.pair,
                                        "version": p.package_version, "path": str(p.path)}
                                       for p in found]}, ensure_ascii=False, indent=2))
        return 0
    print(f"packages folder: {packages_dir(args.packages_dir)}")
    if not found:
        print("no translation models installed; run: gba-docs models install zh en")
    for p in found:
        print(f"  {p.name}  {p.from_code}→{p.to_code}  version {p.package_version}")
    for problem in problems:
        print(f"  broken: {problem}")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..translate.packages import install_from_index, install_package

    if len(args.what) == 1:
        pair = None
        if args.pair:
            parts = args.pair.split("-", 1)
            if len(parts) != 2:
                raise ConfigError(f"--pair {args.pair!r} is not FROM-TO", remedy="e.g. --pair zh-en")
            pair = (parts[0], parts[1])
        info = install_package(args.what[0], args.packages_dir, replace=args.replace,
                               expected_pair=pair)
    elif len(args.what) == 2:
        info = install_from_index(args.what[0], args.what[1], args.packages_dir,
                                  index_url=args.index_url, timeout=args.timeout,
                                  replace=args.replace)
    else:
        raise ConfigError("install takes FILE.argosmodel or FROM TO",
                          remedy="e.g. gba-docs models install zh en")
    print(f"installed {info.name} ({info.from_code}→{info.to_code}, version "
          f"{info.package_version}) in {info.path.parent}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from ..translate.packages import remove_package

    removed = remove_package(args.name, args.packages_dir)
    print(f"removed {removed.name} from {removed.parent}")
    return 0
