"""Tests for pipelines.core.text_scrape on synthetic scrapes in several languages and styles."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.core.dates import LocalDateTime
from pipelines.core.text_scrape import (
    Dateline,
    author_names,
    byline_names,
    parse_text_scrape,
    split_dateline,
)

EN_SCRAPE = "\n\n".join(
    [
        "Skip to content\nHome | World | Business | Sport\nOpen Menu",
        "Harbour Authority Unveils Plan To Expand Container Terminal",
        "By Jane Doe and John Roe | Updated 3 March 2024 14:05 GMT",
        "Harbour authority unveils plan to expand container terminal",
        "PORTSMOUTH (Reuters) - The harbour authority on Sunday unveiled a plan to double the "
        "size of its container terminal, betting on a rebound in shipping.",
        "The expansion would add four berths and new cranes, the authority said in a statement.",
        "Local residents have raised concerns about traffic on the roads leading to the port.",
        "© 2024 Example News Ltd. All rights reserved.",
    ]
)

DE_SCRAPE = "\n\n".join(
    [
        "Menü",
        "Bahnstreik legt Fernverkehr lahm",
        "Von Max Mustermann, 03.03.2024, 14:05 Uhr",
        "BERLIN, 3. März (dpa) – Ein Streik der Lokführer hat am Sonntag große Teile des "
        "Fernverkehrs lahmgelegt.",
        "Die Bahn richtete einen Notfahrplan ein und rief Reisende auf, ihre Fahrten zu "
        "verschieben.",
    ]
)

FR_SCRAPE = "\n\n".join(
    [
        "Le Sénat adopte la réforme des retraites",
        "Par Jean Dupont, publié le 5 mars 2024 à 14h05",
        "PARIS (AFP) - Le Sénat a adopté mardi soir le projet de réforme des retraites après "
        "plusieurs semaines de débats.",
        "Le texte doit maintenant être examiné en commission mixte paritaire.",
    ]
)

ES_SCRAPE = "\n\n".join(
    [
        "El Gobierno aprueba el plan de vivienda",
        "Por María García | Publicado el 5 de marzo de 2024 a las 14:05",
        "MADRID, 5 mar (EFE).- El Consejo de Ministros aprobó este martes un plan para "
        "construir cuarenta mil viviendas de alquiler asequible.",
        "La ministra de Vivienda defendió que el plan llegará a todas las comunidades autónomas.",
    ]
)


def test_english_scrape_with_residue_byline_repeated_headline_and_agency() -> None:
    parts = parse_text_scrape(EN_SCRAPE)
    assert parts.title == "Harbour Authority Unveils Plan To Expand Container Terminal"
    assert parts.authors == ["Jane Doe", "John Roe"]
    assert parts.date is not None
    assert parts.date.value.replace(tzinfo=None) == datetime(2024, 3, 3, 14, 5)
    assert parts.date.zone_label == "GMT"
    assert parts.date_source == "byline"
    assert (parts.dateline, parts.agency) == ("PORTSMOUTH", "Reuters")
    assert parts.paragraphs[0].startswith("The harbour authority on Sunday unveiled")
    assert len(parts.paragraphs) == 3  # copyright line and all header residue gone
    joined = "\n".join(parts.paragraphs)
    for residue in ("Skip to content", "Open Menu", "By Jane Doe", "Harbour authority unveils"):
        assert residue not in joined


def test_german_scrape() -> None:
    parts = parse_text_scrape(DE_SCRAPE)
    assert parts.title == "Bahnstreik legt Fernverkehr lahm"
    assert parts.authors == ["Max Mustermann"]
    assert parts.date == LocalDateTime(datetime(2024, 3, 3, 14, 5), True)
    assert (parts.dateline, parts.agency) == ("BERLIN", "dpa")
    assert parts.paragraphs[0].startswith("Ein Streik der Lokführer")
    assert len(parts.paragraphs) == 2


def test_french_scrape() -> None:
    parts = parse_text_scrape(FR_SCRAPE)
    assert parts.title == "Le Sénat adopte la réforme des retraites"
    assert parts.authors == ["Jean Dupont"]
    assert parts.date == LocalDateTime(datetime(2024, 3, 5, 14, 5), True)
    assert (parts.dateline, parts.agency) == ("PARIS", "AFP")
    assert parts.paragraphs[0].startswith("Le Sénat a adopté mardi soir")


def test_spanish_scrape() -> None:
    parts = parse_text_scrape(ES_SCRAPE)
    assert parts.title == "El Gobierno aprueba el plan de vivienda"
    assert parts.authors == ["María García"]
    assert parts.date == LocalDateTime(datetime(2024, 3, 5, 14, 5), True)
    assert (parts.dateline, parts.agency) == ("MADRID", "EFE")
    assert parts.paragraphs[0].startswith("El Consejo de Ministros aprobó")


def test_dateline_date_is_used_when_there_is_no_byline() -> None:
    text = (
        "Ministry Announces New Rail Link\n\n"
        "KARACHI, (Example Press Service - 12th Oct, 2024) The ministry announced a new rail "
        "link between the port and the industrial zone on Saturday.\n\n"
        "Construction is expected to start next year."
    )
    parts = parse_text_scrape(text)
    assert parts.authors == []
    assert (parts.dateline, parts.agency) == ("KARACHI", "Example Press Service")
    assert parts.date == LocalDateTime(datetime(2024, 10, 12), False)
    assert parts.date_source == "dateline"
    assert parts.paragraphs[0].startswith("The ministry announced")


def test_scrape_without_title_or_dateline() -> None:
    text = (
        "The committee met for three hours on Monday and agreed to publish its findings in "
        "the spring, after a long consultation with residents and local businesses.\n\n"
        "Members said the report would include recommendations on housing."
    )
    parts = parse_text_scrape(text)
    assert parts.title is None
    assert parts.dateline is None
    assert parts.paragraphs == [p for p in text.split("\n\n")]


def test_scrape_with_single_newlines_only() -> None:
    text = (
        "Open Menu\nFlood Warnings Issued Along The River\nBy Sam Lee\n"
        "WASHINGTON — Forecasters issued flood warnings for towns along the river on Friday.\n"
        "Residents were told to move cars to higher ground.\n"
        "Schools in the area will stay closed on Monday.\n"
    )
    parts = parse_text_scrape(text)
    assert parts.title == "Flood Warnings Issued Along The River"
    assert parts.authors == ["Sam Lee"]
    assert (parts.dateline, parts.agency) == ("WASHINGTON", None)
    assert (
        parts.paragraphs[0]
        == "Forecasters issued flood warnings for towns along the river on Friday."
    )
    assert len(parts.paragraphs) == 3


def test_empty_scrape() -> None:
    assert parse_text_scrape("   \n\n ").paragraphs == []


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        (
            "PARIS (Reuters) - French lawmakers voted.",
            Dateline("PARIS", "Reuters"),
            "French lawmakers voted.",
        ),
        (
            "BERLIN, 3. März (dpa) – Die Regierung hat.",
            Dateline("BERLIN", "dpa"),
            "Die Regierung hat.",
        ),
        ("MADRID, 5 mar (EFE).- El Gobierno ha.", Dateline("MADRID", "EFE"), "El Gobierno ha."),
        ("WASHINGTON — The president said.", Dateline("WASHINGTON"), "The president said."),
        (
            "LONDON, Nov 19 -- Britain's economy grew.",
            Dateline("LONDON"),
            "Britain's economy grew.",
        ),
        ("ISLAMABAD: The minister said.", Dateline("ISLAMABAD"), "The minister said."),
        ("Islamabad (APP): The minister said.", Dateline("Islamabad", "APP"), "The minister said."),
        ("HAYWARD, Calif. (AP) — The Latest.", Dateline("HAYWARD, Calif.", "AP"), "The Latest."),
        (
            "NEW YORK, Sept 26 (Reuters) - Stocks fell.",
            Dateline("NEW YORK", "Reuters"),
            "Stocks fell.",
        ),
        (
            "ISLAMABAD, (UrduPoint / Pakistan Point News - 26th Sep, 2024) Pakistan's envoy said.",
            Dateline(
                "ISLAMABAD",
                "UrduPoint / Pakistan Point News",
                LocalDateTime(datetime(2024, 9, 26), False),
            ),
            "Pakistan's envoy said.",
        ),
        # Russian wire style: place, day and month, full stop, agency between slashes.
        (
            "МОСКВА, 17 декабря. /ТАСС/. Совет утвердил бюджет.",
            Dateline("МОСКВА", "ТАСС"),
            "Совет утвердил бюджет.",
        ),
        ("КАЗАНЬ, 26 марта. Совет утвердил бюджет.", Dateline("КАЗАНЬ"), "Совет утвердил бюджет."),
        # German wires write their acronym in lower case.
        ("LEIPZIG (epd) - Der Stadtrat hat.", Dateline("LEIPZIG", "epd"), "Der Stadtrat hat."),
    ],
)
def test_split_dateline(paragraph: str, dateline: Dateline, rest: str) -> None:
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Apple (AAPL) shares rose 3% on Tuesday.",
        "BREAKING: The election result is in.",
        "NASA: the agency said its rocket is ready.",  # a colon needs a known city
        "Le président (PS) a dit qu'il viendrait.",
        "The WHO said (in a statement) - that cases fell.",
        "Prices rose sharply - analysts were surprised.",
        "Москва, 26 марта. Совет утвердил бюджет.",  # not in capitals
        "PARIS, 12 rue. Le conseil a voté.",  # "rue" is no month
        "Le maire (ps) a dit qu'il viendrait.",
    ],
)
def test_not_a_dateline(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


def test_dateline_can_be_left_in_the_text() -> None:
    parts = parse_text_scrape(FR_SCRAPE, take_dateline=False)
    assert (parts.dateline, parts.agency) == (None, None)
    assert parts.paragraphs[0].startswith("PARIS (AFP) - Le Sénat a adopté")
    assert parts.title == "Le Sénat adopte la réforme des retraites"


def test_menu_bars_and_breadcrumbs_are_residue() -> None:
    scrape = (
        "Home | World | Sport | Business\n\nNews › Europe › Portugal\n\n"
        "Harbour Plan Approved After Long Debate\n\n"
        "Mara Quill Published March 3, 2025 | 10:15 AM\n\n"
        "LISBON (Reuters) - The city council approved a plan on Monday to rebuild the old "
        "harbour front, ending a debate that lasted more than two years.\n"
    )
    parts = parse_text_scrape(scrape)
    assert parts.title == "Harbour Plan Approved After Long Debate"
    assert parts.authors == ["Mara Quill"]
    assert parts.paragraphs[0].startswith("The city council approved")


def test_dated_dash_dateline_with_agency_after_the_dash() -> None:
    dateline, rest = split_dateline(
        "ТБИЛИСИ, 26 июня — Северпресс. В городе открылось новое отделение неотложной помощи."
    )
    assert dateline is not None
    assert (dateline.place, dateline.agency) == ("ТБИЛИСИ", "Северпресс")
    assert rest.startswith("В городе открылось")
    # Without a date the first sentence is body text, not an agency.
    dateline, rest = split_dateline("WASHINGTON — Lawmakers. They met on Monday to debate it.")
    assert dateline is not None and dateline.agency is None
    assert rest.startswith("Lawmakers.")


def test_russian_byline_with_publication_time() -> None:
    parts = parse_text_scrape(
        "Главная > Экономика\n\nНовый мост открыт для движения\n\n"
        "Дмитрий Фомин Опубликовано 4 января 2024, 21:24\n\n"
        "ТБИЛИСИ, 4 января — Северпресс. Новый мост через реку открыли для движения в четверг, "
        "сообщили в городской администрации.\n"
    )
    assert parts.title == "Новый мост открыт для движения"
    assert parts.authors == ["Дмитрий Фомин"]
    assert parts.paragraphs[0].startswith("Новый мост через реку")


def test_stacked_ui_labels_are_residue_in_any_language() -> None:
    body = (
        "ЛИПЕЦК, 4 марта. Городской совет утвердил новый бюджет во вторник после долгих "
        "споров, которые продолжались больше шести часов.\n"
    )
    for labels in ("Открыть меню\nПоиск\nВойти", "Menu\nZoeken\nInloggen"):
        parts = parse_text_scrape(f"{labels}\n\nГородской совет утвердил бюджет\n\n{body}")
        assert parts.title == "Городской совет утвердил бюджет"
        assert parts.dateline == "ЛИПЕЦК"


def test_headline_opening_with_a_metadata_key_word_is_a_headline() -> None:
    parts = parse_text_scrape(
        "Data centre plans divide the valley\n\nMara Quill Published March 3, 2025 | 10:15 AM"
        "\n\nThe council approved a data centre on Monday, ending a debate that lasted more "
        "than two years and drew hundreds of residents.\n"
    )
    assert parts.title == "Data centre plans divide the valley"
    assert parts.authors == ["Mara Quill"]
    assert parse_text_scrape("date 2025-03-03\n\nHeadline here\n\nBody.").title == ("Headline here")


def test_russian_author_line() -> None:
    parts = parse_text_scrape(
        "Новый мост открыт для движения\n\nАвтор: Ольга Петрова\n\n"
        "Новый мост через реку открыли для движения в четверг, сообщили в городской "
        "администрации.\n"
    )
    assert parts.authors == ["Ольга Петрова"]
    assert parts.paragraphs[0].startswith("Новый мост через реку")


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Par Anne Roy et Paul Petit", ["Anne Roy", "Paul Petit"]),
        ("Por Ana Gil y Luis Mora", ["Ana Gil", "Luis Mora"]),
        ("Von Lena Brandt und Jonas Weber", ["Lena Brandt", "Jonas Weber"]),
        ("Авторы: Ирина Соколова и Павел Орлов", ["Ирина Соколова", "Павел Орлов"]),
        ("By Jane Doe", ["Jane Doe"]),
        ("· Updated", []),
        ("Mis à jour à 16h10", []),
    ],
)
def test_byline_names(byline: str, names: list[str]) -> None:
    assert byline_names(byline) == names


def test_author_names_keep_agencies_and_drop_labels() -> None:
    assert author_names("Par Anne Roy et Paul Petit; AFP") == ["Anne Roy", "Paul Petit", "AFP"]
    assert author_names("Reuters") == ["Reuters"]
    assert author_names("· Mis À Jour À") == []
    assert author_names("desk@example.com | Jane Doe") == ["Jane Doe"]
    assert author_names("Jane Doe, Staff Writer") == ["Jane Doe"]
