"""The house rules of the code itself: sizes, names, which way dependencies point, and that only
the store modules know which store they talk to."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("events", "domain", "projections", "api")
SOURCES = sorted(path for folder in (*PACKAGES, "tests", "bench") for path in (REPO / folder).rglob("*.py"))
MAX_LINES, MAX_FUNCTION = 400, 50

# Which of our packages each may import: api → projections → domain → events, never back.
ALLOWED = {"events": set(), "domain": {"events"}, "projections": {"domain", "events"}}
STORE_MODULES = {"sqlite3", "psycopg", "psycopg_pool", "eventsourcing.sqlite", "eventsourcing.postgres"}


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_rules_see_the_code():
    assert len(SOURCES) > 50 and any(path.name == "app.py" for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_no_source_file_is_over_400_lines(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_no_function_is_over_50_lines(path: Path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION
    ]
    assert not long


def test_no_module_of_ours_is_named_after_a_standard_library_module():
    """Run from inside a folder of ours, such a module would hide the standard library's own."""
    names = {path.stem for path in SOURCES} | {path.parent.name for path in SOURCES} | set(PACKAGES)
    assert not sorted(names & set(sys.stdlib_module_names))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_dependencies_point_one_way(package: str):
    ours = set(PACKAGES) - {package}
    reached = {
        f"{_name(path)} imports {module}"
        for path in (REPO / package).rglob("*.py")
        for module in _imports(path)
        if module.split(".")[0] in ours and module.split(".")[0] not in ALLOWED[package]
    }
    assert not sorted(reached)


def test_only_the_store_modules_know_which_store_they_talk_to():
    stores = REPO / "projections" / "stores"
    outside = [path for package in PACKAGES for path in (REPO / package).rglob("*.py") if stores not in path.parents]
    knowing = {
        f"{_name(path)}: {what}"
        for path in outside
        for what in (
            *(f"imports {module}" for module in _imports(path) if module in STORE_MODULES),
            *(f"says {word!r}" for word in ("isinstance(recorder", ".dialect", "is_sqlite", "postgresql\"")
              if word in path.read_text(encoding="utf-8")),
        )
    }
    assert not sorted(knowing)
