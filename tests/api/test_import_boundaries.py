"""stages_tui.api and stages_tui.sandbox meet only over HTTP and never import Textual."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "stages_tui"

FORBIDDEN = {
    "api": ("textual", "rich", "stages_tui.sandbox", "stages_tui.tui"),
    "sandbox": ("textual", "rich", "stages_tui.api", "stages_tui.tui"),
}


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved in the package)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names.add(module)
                names.update(f"{module}.{a.name}" for a in node.names)
            elif node.module:
                names.add(node.module)
    return names


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_part_imports_nothing_forbidden(part: str) -> None:
    files = sorted((ROOT / part).rglob("*.py"))
    assert files, f"no python files under stages_tui/{part}"
    offenders = []
    for path in files:
        for module in imported_modules(path):
            if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN[part]):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_resolver_sees_relative_imports() -> None:
    """Guard the guard: a relative import of a sibling package is resolved."""
    names = imported_modules(ROOT / "api" / "client.py")
    assert "stages_tui.api.errors" in names
    assert "stages_tui" in names  # `from .. import __version__`
