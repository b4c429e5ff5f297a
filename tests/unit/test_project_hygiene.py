"""Rules about the project itself: the core stays headless, catalogs stay complete,
every command has help, and the README covers every command group."""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import salon_tui

ROOT = Path(__file__).resolve().parents[2]
CORE = ["domain", "data", "services", "printing", "scanning"]
FACE_LIBRARIES = ("textual", "typer", "rich", "click")


def core_modules() -> list[str]:
    names = []
    for package in CORE:
        prefix = f"salon_tui.{package}"
        names.append(prefix)
        path = Path(salon_tui.__file__).parent / package
        for info in pkgutil.walk_packages([str(path)], prefix=prefix + "."):
            if ".migrations" not in info.name:
                names.append(info.name)
    return names


def test_importing_the_whole_core_loads_no_face_library() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FACE_LIBRARIES!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_cli_help_does_not_import_sqlalchemy_or_textual() -> None:
    code = (
        "import sys\nfrom salon_tui import cli\n"
        "sys.argv = ['salon', '--help']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'textual', 'alembic'}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stderr.strip().splitlines()[-1] == "[]"


def _load_i18n_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_string_has_a_chinese_translation() -> None:
    tool = _load_i18n_tool()
    assert sorted(tool.missing("zh_CN")) == []


def test_compiled_catalogs_match_their_sources() -> None:
    tool = _load_i18n_tool()
    assert tool.stale_catalogs() == []


def _commands():
    import typer.main

    from salon_tui.cli import build_app

    group = typer.main.get_command(build_app())
    stack = [((), group)]
    while stack:
        path, command = stack.pop()
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            stack.append(((*path, name), sub))


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=lambda p: " ".join(p) or "salon")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command = dict(_commands())[path]
    assert (command.help or "").strip(), f"salon {' '.join(path)} has no help text"
    for parameter in command.params:
        if parameter.name not in {"help"}:
            assert getattr(parameter, "help", None), (
                f"salon {' '.join(path)}: {parameter.name} has no help"
            )


def test_the_readme_describes_every_command_group() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    groups = {path[0] for path, _ in _commands() if len(path) == 1}
    missing = sorted(group for group in groups if f"salon {group}" not in readme)
    assert missing == []
