"""The README's module map (the table under "Architecture") matches the tree: every path it
names exists, and every package, top-level module and deploy folder is named."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _mapped() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [p.rstrip("/") for row in rows for p in re.findall(r"`([^`]+)`", row.split("|")[1])]


def test_every_mapped_path_exists() -> None:
    paths = _mapped()
    assert len(paths) > 10
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_every_package_module_and_deploy_folder_is_mapped() -> None:
    paths = set(_mapped())
    package = ROOT / "pipelines"
    wanted = [
        *(f"pipelines/{d.name}" for d in package.iterdir() if (d / "__init__.py").exists()),
        *(f"pipelines/{f.name}" for f in package.glob("*.py") if f.stem != "__init__"),
        *(f"deploy/{d.name}" for d in (ROOT / "deploy").iterdir() if d.is_dir()),
        "schemas", "benchmarks", "docs/operations.md", "docker-compose.yml",
    ]  # fmt: skip
    assert sorted(w for w in wanted if w not in paths) == []
