"""The layout stays easy to see: modules small enough to read in one sitting, no private names
imported across modules, no import cycles, and the local-only code outside the runtime package.

Read from the source (ast), so these hold for code paths no other test happens to import.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("reservations", "localdev")
MAX_LINES = 300
SIZED = ("reservations", "localdev", "deploy", "bench", "tests")


def python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in python_files(*PACKAGES)}


def imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import, also inside functions; not the
    ones under `if TYPE_CHECKING:` (they never run)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, [a.name for a in node.names], node.lineno


def edges(name: str, path: Path) -> set[str]:
    """The modules of ours that importing `name` runs."""
    out = set()
    for base, names, _ in imports(path):
        targets = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES] or [base]
        out |= {t for t in targets if t in MODULES and t != name}
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    graph = {name: edges(name, path) for name, path in MODULES.items()}
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_names_imported_across_modules():
    found = []
    for path in MODULES.values():
        for base, names, line in imports(path):
            if not base.startswith(PACKAGES):
                continue
            for imported in names:
                if imported.startswith("_") and not imported.startswith("__"):
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {imported} from {base}")
    assert found == []


@pytest.mark.parametrize("path", list(python_files(*SIZED)), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_too_long_to_read_in_one_sitting(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it by what it does"


def test_local_only_code_is_outside_the_runtime_package():
    """The local DynamoDB, the dev server and the demo data never ship in the Lambda zip."""
    for name, path in MODULES.items():
        if name.startswith("reservations"):
            for base, _, line in imports(path):
                assert not base.startswith("localdev"), f"{path.relative_to(ROOT)}:{line} imports {base}"
    excluded = (ROOT / "zappa_settings.json").read_text()
    assert '"localdev"' in excluded
    assert not (ROOT / "reservations" / "localdb").exists()
