from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.quality import keyphrase_data, keywords
from benchmarks.quality.__main__ import _keyword_rows


def test_phrases_match_after_lower_casing_and_porter_stemming() -> None:
    assert keywords.normalize("Atlantic Hurricanes") == keywords.normalize("atlantic hurricane")
    assert keywords.normalize("Morote's capture") == keywords.normalize("morote capture")
    assert keywords.normalize("oil spill") != keywords.normalize("oil")


def test_f1_at_k_scores_the_first_k_distinct_predictions() -> None:
    gold = ["oil spill", "Alaska", "crude oil", "cleanup efforts"]
    # "spills" and "Oil Spill" are one prediction once normalized; only 2 of 3 match.
    p, r, f = keywords.f1_at_k(["Oil Spill", "oil spills", "Alaska", "tanker"], gold, k=3)
    assert (p, r) == pytest.approx((2 / 3, 2 / 4))
    assert f == pytest.approx(2 * p * r / (p + r))
    assert keywords.f1_at_k([], gold) == (0.0, 0.0, 0.0)


def test_absent_dataset_is_reported_not_measured(tmp_path: Path) -> None:
    result = keywords.score(tmp_path)
    assert result["status"] == "absent"
    [(_, ours, reference)] = _keyword_rows(result)
    assert ours == "not measured" and "make eval-data" in reference


def test_duc_articles_are_read_as_title_and_body(tmp_path: Path) -> None:
    data = tmp_path / keyphrase_data.SUBDIR
    data.mkdir(parents=True)
    (data / "AP000101-0001").write_text(
        "<DOC>\n<DOCNO> AP000101-0001 </DOCNO>\n<HEAD>Harbour Opens</HEAD>\n<TEXT>\n"
        "   The harbour opened a\nnew terminal.\n   The terminal doubles capacity.\n</TEXT>\n"
        "</DOC>\n"
    )
    (data / "annotations.txt").write_text(
        "AP000101-0001@harbour;new terminal;\nAP000101-0002@missing article;\n"
    )
    path = keyphrase_data.prepare(tmp_path, tmp_path / "out")
    [row] = [json.loads(line) for line in path.read_text().splitlines()]
    assert row == {
        "id": "AP000101-0001",
        "title": "Harbour Opens",
        "text": "The harbour opened a new terminal.\nThe terminal doubles capacity.",
        "keyphrases": ["harbour", "new terminal"],
    }
