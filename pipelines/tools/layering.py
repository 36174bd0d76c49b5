"""The import layering check: `python -m pipelines.tools.layering` exits 1 when a module
imports from a layer above its own.

Layers, lowest first: core <- config <- io <- transforms <- pipeline <- commands. A module may
import from its own layer and the ones below. Every import counts, in functions and under
TYPE_CHECKING too; a module of no layer is an error, so a new package has to be placed.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import NamedTuple

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("pipelines.core",)),
    ("config", ("pipelines.config",)),
    ("io", ("pipelines.io",)),
    ("transforms", ("pipelines.transforms",)),
    ("pipeline", ("pipelines.pipeline", "pipelines.streaming")),
    (
        "commands",
        (
            "pipelines.commands",
            "pipelines.cli",
            "pipelines.summary",
            "pipelines.memory",
            "pipelines.samples",
            "pipelines.tools",
        ),
    ),
)


class Violation(NamedTuple):
    path: Path
    line: int
    module: str
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.imported}: {self.why}"


def layer_of(module: str) -> int | None:
    """The index of `module`'s layer in LAYERS, or None (the package itself, or none)."""
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    return None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module) of every import of a `pipelines` module in `tree`."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # `from pipelines.core import dedup` imports pipelines.core.dedup.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "pipelines"]


def check(root: Path = PACKAGE_DIR) -> list[Violation]:
    """Every import under `root` (the `pipelines` package) that goes up a layer."""
    violations: list[Violation] = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        own = layer_of(module)
        if own is None:
            if module != root.name:
                violations.append(Violation(path, 1, module, "-", "module of no layer"))
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, imported in imported_modules(tree, module, path.name == "__init__.py"):
            target = layer_of(imported)
            if target is not None and target > own:
                why = f"{LAYERS[own][0]} may not import from {LAYERS[target][0]}"
                violations.append(Violation(path, line, module, imported, why))
    return violations


def main() -> int:
    violations = check()
    for violation in violations:
        print(violation)
    if violations:
        return 1
    print("layering: no module imports from a layer above its own")
    return 0


if __name__ == "__main__":
    sys.exit(main())
