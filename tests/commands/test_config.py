"""`newswire config`: effective values with their source, secrets masked; the README's table
of NEWSWIRE_* variables, from_env and the scripts never drift apart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.commands.config import markdown_table
from pipelines.config import REPO_ROOT, VARIABLES

BEGIN, END = "<!-- newswire config --markdown -->\n", "<!-- end newswire config --markdown -->"


def _rows(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, dict[str, str]]:
    assert main(["config", "--json", *argv]) == 0
    return {r["variable"]: r for r in json.loads(capsys.readouterr().out)}


def test_values_say_where_they_came_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [v for v in __import__("os").environ if v.startswith("NEWSWIRE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NEWSWIRE_KAFKA_GROUP", "from-env")
    monkeypatch.setenv("NEWSWIRE_S3_SECRET_KEY", "planted-secret-value")
    rows = _rows(capsys, "--topic", "from-flag")
    assert rows["NEWSWIRE_KAFKA_TOPIC"] == {
        "variable": "NEWSWIRE_KAFKA_TOPIC", "value": "from-flag", "source": "flag"
    }  # fmt: skip
    assert rows["NEWSWIRE_KAFKA_GROUP"]["value"] == "from-env"
    assert rows["NEWSWIRE_KAFKA_GROUP"]["source"] == "environment"
    assert rows["NEWSWIRE_KAFKA_DLQ_TOPIC"] == {
        "variable": "NEWSWIRE_KAFKA_DLQ_TOPIC", "value": "raw-articles.dlq", "source": "default"
    }  # fmt: skip
    assert rows["NEWSWIRE_S3_SECRET_KEY"]["value"] != "planted-secret-value"
    assert rows["NEWSWIRE_S3_SECRET_KEY"]["source"] == "environment"
    shown = _rows(capsys, "--show-secrets")
    assert shown["NEWSWIRE_S3_SECRET_KEY"]["value"] == "planted-secret-value"
    assert main(["config"]) == 0
    text = capsys.readouterr().out
    assert "planted-secret-value" not in text and "from-env" in text


def test_the_readme_table_is_the_generated_one() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert BEGIN in readme and END in readme
    table = readme.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == markdown_table(), "README out of date: run `newswire config --markdown`"


def test_from_env_reads_exactly_the_variables_that_set_a_field() -> None:
    source = (REPO_ROOT / "pipelines" / "config.py").read_text()
    read = set(re.findall(r'\b(?:get|_from_env)\((?:env, )?"([A-Z0-9_]+)"', source))
    listed = {v.name for v in VARIABLES if v.field} | {"S3_LOCAL"}
    assert read == listed


def test_every_variable_the_project_reads_is_listed() -> None:
    files = [
        *REPO_ROOT.glob("pipelines/**/*.py"), *REPO_ROOT.glob("deploy/local/*.sh"),
        *REPO_ROOT.glob("tests/**/*.py"), *REPO_ROOT.glob("benchmarks/**/*.py"),
        REPO_ROOT / "Makefile",
    ]  # fmt: skip
    used = {
        name
        for path in files
        if path != Path(__file__)
        for name in re.findall(r"NEWSWIRE_([A-Z0-9_]*[A-Z0-9])\b", path.read_text())
    }
    assert used - {v.name for v in VARIABLES} == set()
