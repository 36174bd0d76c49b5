from __future__ import annotations

from typing import Any

import pytest

from pipelines.core.entities import (
    aggregate_entities,
    cap_text,
    clean_surface,
    entities_from_doc,
    load_ner_model,
    model_id,
    strip_dateline,
)
from pipelines.core.records import Entity


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_ner_model("en_core_web_sm")


# --- datelines and agency lines ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "body", "place"),
    [
        ("WASHINGTON (Reuters) - The talks ended.", "The talks ended.", "WASHINGTON"),
        ("KARACHI, Pakistan, Sept 26 (AP) — Police said.", "Police said.", "KARACHI"),
        ("NEW YORK, Sept. 26 -- Stocks rose.", "Stocks rose.", "NEW YORK"),
        ("PARIS — Le gouvernement a dit.", "Le gouvernement a dit.", "PARIS"),
        ("Quetta, Oct 2 (APP): The court met.", "The court met.", "Quetta"),
        (
            "LAHORE, (Northwind Wire / City Desk News - 3rd Oct, 2024) The mayor spoke.",
            "The mayor spoke.",
            "LAHORE",
        ),
        ("BREAKING - Markets fell.", "Markets fell.", None),
    ],
)
def test_strip_dateline_removes_the_dateline_and_returns_its_place(
    text: str, body: str, place: str | None
) -> None:
    assert strip_dateline(text) == (body, place)


@pytest.mark.parametrize(
    "text",
    [
        "NATO (North Atlantic Treaty Organization) said it would meet.",
        "Smith (R-Texas) said the bill would pass.",
        "The minister said the plan would work.",
    ],
)
def test_strip_dateline_leaves_ordinary_openings_alone(text: str) -> None:
    assert strip_dateline(text) == (text, None)


def test_strip_dateline_uses_the_cleaners_dateline_and_agency() -> None:
    text = "Ankara, 3 May: Officials met.\n\nMore news.\n\nNorthwind Wire"
    assert strip_dateline(text, dateline="Ankara", agency="Northwind Wire") == (
        "Officials met.\n\nMore news.",
        "Ankara",
    )
    # prose that merely starts with the dateline's place is not a dateline
    prose = "Ankara said the (first) meeting went well."
    assert strip_dateline(prose, dateline="Ankara") == (prose, None)


def test_strip_dateline_drops_agency_credit_paragraphs_and_inline_credits() -> None:
    text = (
        "Officials met (AFP) on Monday.\n\n(Reporting by Jane Roe; Editing by John Doe)"
        "\n\n— AFP\n\nAPP/Reuters\n\nReporting by Jane Roe in Lima\n\nThe end."
    )
    assert strip_dateline(text) == ("Officials met   on Monday.\n\nThe end.", None)


def test_cap_text_cuts_at_a_space() -> None:
    assert cap_text("alpha beta gamma", 100) == "alpha beta gamma"
    assert cap_text("alpha beta gamma", 12) == "alpha beta"


# --- aggregation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("the United States", "United States"),
        ("Pakistan's", "Pakistan"),
        ("Pakistan’s", "Pakistan"),
        ("“Acme Corp”", "Acme Corp"),
        ("the ‘First City of Industry’", "First City of Industry"),
        ("U.S.", "U.S."),
        ("Lima.", "Lima"),
        ("  New\n  York ", "New York"),
    ],
)
def test_clean_surface(raw: str, clean: str) -> None:
    assert clean_surface(raw) == clean


def test_aggregate_merges_variants_drops_values_and_junk_and_orders_stably() -> None:
    mentions = [
        ("Lima", "GPE"),
        ("LIMA", "GPE"),
        ("the Andean Council", "ORG"),
        ("Andean Council", "ORG"),
        ("Andean Council's", "ORG"),
        ("2024", "DATE"),
        ("five", "CARDINAL"),
        ("$3 million", "MONEY"),
        ("X", "ORG"),
        ("42", "ORG"),
        ("Peruvian", "NORP"),
        ("Quito Summit marks", "ORG"),
        ("Quito Summit", "ORG"),
        ("Quito", "GPE"),
    ]
    assert aggregate_entities(mentions) == [
        Entity("Andean Council", "ORG", 3),
        Entity("Lima", "GPE", 2),
        Entity("Quito Summit", "ORG", 2),
        Entity("Peruvian", "NORP", 1),
        Entity("Quito", "GPE", 1),
    ]


def test_aggregate_keeps_the_majority_label_and_surface() -> None:
    mentions = [("Jordan", "GPE"), ("Jordan", "GPE"), ("JORDAN", "PERSON")]
    assert aggregate_entities(mentions) == [Entity("Jordan", "GPE", 3)]


def test_short_person_names_merge_into_the_one_full_name() -> None:
    mentions = [("Maria Quispe Torres", "PERSON"), ("Quispe", "PERSON"), ("Torres", "PERSON")]
    mentions += [("Maria", "PERSON")]
    # Only a first or last word merges: a middle word ("Quispe") may be a different person.
    assert aggregate_entities(mentions) == [
        Entity("Maria Quispe Torres", "PERSON", 3),
        Entity("Quispe", "PERSON", 1),
    ]
    # A word shared by two full names stays on its own.
    ambiguous = [("Ana Ruiz", "PERSON"), ("Luis Ruiz", "PERSON"), ("Ruiz", "PERSON")]
    assert aggregate_entities(ambiguous) == [
        Entity("Ana Ruiz", "PERSON", 1),
        Entity("Luis Ruiz", "PERSON", 1),
        Entity("Ruiz", "PERSON", 1),
    ]


# --- the spaCy model --------------------------------------------------------------------


def test_model_loads_offline_with_only_ner(nlp: Any) -> None:
    assert nlp.pipe_names == ["ner"]
    assert model_id(nlp).startswith("en_core_web_sm")


def test_ner_on_stripped_text_finds_people_and_places_not_the_dateline(nlp: Any) -> None:
    text = (
        "NAIROBI (Reuters) - Kenyan President William Ruto met German Chancellor Olaf Scholz "
        "in Berlin on Monday to discuss a new trade agreement.\n\nAfter the meeting, Mr. Ruto "
        "told reporters that Kenya would export more tea to Germany.\n\n(Reporting by Jane Roe)"
    )
    body, place = strip_dateline(text)
    assert place == "NAIROBI"
    entities = entities_from_doc(nlp(body))
    by_text = {e.text: e for e in entities}
    assert by_text["William Ruto"].label == "PERSON"
    assert by_text["William Ruto"].count == 2  # "Ruto" merged into the full name
    assert by_text["Berlin"].label == "GPE"
    assert "NAIROBI" not in by_text and "Reuters" not in by_text and "Jane Roe" not in by_text


def test_a_surname_mistagged_as_org_merges_into_the_person() -> None:
    mentions = [("Julio Velarde", "PERSON"), ("Velarde", "ORG"), ("Julio", "ORG")]
    assert aggregate_entities(mentions) == [
        Entity("Julio Velarde", "PERSON", 2),
        Entity("Julio", "ORG", 1),  # an ORG merges only as the last word
    ]


def test_strip_dateline_looks_past_a_short_byline_but_not_into_the_story() -> None:
    assert strip_dateline("By Ana Ruiz\n\nLIMA (Reuters) - Rain fell.") == (
        "By Ana Ruiz\n\nRain fell.",
        "LIMA",
    )
    opening = "The ministry said on Monday that the talks would resume next week in the capital."
    assert strip_dateline(opening + "\n\nLIMA (Reuters) - Rain fell.")[1] is None
