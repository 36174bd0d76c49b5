"""pipelines.tools.layering: the tree passes, and an import up a layer is reported."""

from __future__ import annotations

from pathlib import Path

from pipelines.tools import layering


def test_the_tree_imports_only_down_the_layers() -> None:
    assert [str(v) for v in layering.check()] == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pipelines"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_an_import_from_a_layer_above_is_a_violation(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "io/__init__.py": "",
            "io/files.py": "def f():\n    from pipelines.transforms.common import X\n",
            "io/ok.py": "from pipelines.core import records\nfrom . import files\n",
            "transforms/__init__.py": "",
            "transforms/common.py": "from ..io import files\n",
        },
    )
    violations = layering.check(root)
    assert [(v.module, v.imported, v.line) for v in violations] == [
        ("pipelines.io.files", "pipelines.transforms.common.X", 2)
    ]
    assert "io may not import from transforms" in str(violations[0])


def test_a_module_of_no_layer_is_reported(tmp_path: Path) -> None:
    root = _package(tmp_path, {"__init__.py": "", "stray.py": ""})
    assert [(v.module, v.why) for v in layering.check(root)] == [
        ("pipelines.stray", "module of no layer")
    ]
