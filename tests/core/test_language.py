from __future__ import annotations

import pytest

from pipelines.core.language import classify, detect_language, normalize_language_code

SNIPPETS = {
    "en": "The city council approved a new budget on Tuesday after a long debate about "
    "road repairs, school funding and the price of public transport tickets.",
    "de": "Der Stadtrat hat am Dienstag nach einer langen Debatte über Straßenreparaturen, "
    "Schulfinanzierung und die Preise für Fahrkarten einen neuen Haushalt beschlossen.",
    "fr": "Le conseil municipal a approuvé mardi un nouveau budget après un long débat sur "
    "la réparation des routes, le financement des écoles et le prix des billets de bus.",
    "es": "El ayuntamiento aprobó el martes un nuevo presupuesto tras un largo debate sobre "
    "la reparación de carreteras, la financiación de las escuelas y el precio de los billetes.",
    "ru": "Городской совет во вторник утвердил новый бюджет после долгих споров о ремонте "
    "дорог, финансировании школ и стоимости билетов на общественный транспорт.",
    "ar": "وافق مجلس المدينة يوم الثلاثاء على ميزانية جديدة بعد نقاش طويل حول إصلاح الطرق "
    "وتمويل المدارس وأسعار تذاكر النقل العام.",
}


@pytest.mark.parametrize("expected", sorted(SNIPPETS))
def test_detects_the_language_of_a_paragraph(expected: str) -> None:
    assert detect_language(SNIPPETS[expected]) == expected


def test_a_confident_detection_overrides_the_producer_hint() -> None:
    assert detect_language(SNIPPETS["de"], hint="en") == "de"


def test_too_short_text_falls_back_to_the_normalised_hint_or_none() -> None:
    assert detect_language("Berlin 2024", hint="DE-at") == "de"
    assert detect_language("Berlin 2024") is None
    assert detect_language("", hint="fr") == "fr"
    assert detect_language("12,000 / 3.5% — 2024", hint="not a code") is None


def test_only_a_bounded_prefix_is_classified() -> None:
    text = SNIPPETS["de"] * 20 + " " + SNIPPETS["en"] * 200
    assert detect_language(text, max_chars=2_000) == "de"
    assert detect_language(SNIPPETS["en"] * 200 + SNIPPETS["de"] * 20) == "en"


def test_low_confidence_falls_back_to_the_hint() -> None:
    # A threshold above any possible confidence forces the fallback path.
    assert detect_language(SNIPPETS["en"], hint="es", min_confidence=1.1) == "es"
    assert detect_language(SNIPPETS["en"], min_confidence=1.1) is None


def test_classify_returns_iso_639_1_codes_and_a_probability() -> None:
    code, confidence = classify(SNIPPETS["fr"])
    assert code == "fr"
    assert 0.5 < confidence <= 1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en", "en"),
        ("EN-GB", "en"),
        ("pt_BR", "pt"),
        (" es ", "es"),
        ("arz", "ar"),
        ("yue", "zh"),
        ("zxx", None),
        ("eng", None),
        ("", None),
        (None, None),
        ("e1", None),
    ],
)
def test_normalize_language_code(raw: str | None, expected: str | None) -> None:
    assert normalize_language_code(raw) == expected
