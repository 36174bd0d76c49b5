"""Tests for pipelines.core.dates: parsing written dates and deciding their time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipelines.core.dates import (
    LocalDateTime,
    find_datetime,
    infer_zone,
    parse_datetime,
    to_utc,
    zone_for_domain,
    zone_for_language,
    zone_for_place,
)


@pytest.mark.parametrize(
    ("text", "value", "has_time"),
    [
        ("Published September 26, 2024 | 02:40 PM", datetime(2024, 9, 26, 14, 40), True),
        ("26th Sep, 2024", datetime(2024, 9, 26), False),
        ("Sep. 26th 2024", datetime(2024, 9, 26), False),
        ("Thursday, 26 September 2024", datetime(2024, 9, 26), False),
        ("2024-09-26", datetime(2024, 9, 26), False),
        ("3. März 2024, 14:05 Uhr", datetime(2024, 3, 3, 14, 5), True),
        ("26.09.2024 14.05 Uhr", datetime(2024, 9, 26, 14, 5), True),
        ("publié le 5 mars 2024 à 14h05", datetime(2024, 3, 5, 14, 5), True),
        ("5 de marzo de 2024 a las 14:05", datetime(2024, 3, 5, 14, 5), True),
        ("12 dic 2023", datetime(2023, 12, 12), False),
        ("13/04/2024", datetime(2024, 4, 13), False),  # only one order is a valid date
        ("04/13/2024 9:15 am", datetime(2024, 4, 13, 9, 15), True),
        ("Updated 14:05, 3 March 2024", datetime(2024, 3, 3, 14, 5), True),  # time first
        # "12.50" after a date is not a time without "Uhr"/"am"/"pm"
        ("September 26, 2024 12.50 percent", datetime(2024, 9, 26), False),
    ],
)
def test_parse_written_dates(text: str, value: datetime, has_time: bool) -> None:
    local = parse_datetime(text)
    assert local is not None
    assert local.value == value
    assert local.value.tzinfo is None
    assert local.has_time is has_time


@pytest.mark.parametrize(
    ("text", "utc", "label"),
    [
        ("2024-09-26T14:40:00+05:00", datetime(2024, 9, 26, 9, 40, tzinfo=UTC), "+05:00"),
        ("2024-09-26T09:40:00Z", datetime(2024, 9, 26, 9, 40, tzinfo=UTC), "UTC"),
        ("Thu, 26 Sep 2024 14:40:00 +0500", datetime(2024, 9, 26, 9, 40, tzinfo=UTC), "+05:00"),
        ("2024-03-03 14:05 CET", datetime(2024, 3, 3, 13, 5, tzinfo=UTC), "CET"),
        ("Updated 14:05 GMT, 3 March 2024", datetime(2024, 3, 3, 14, 5, tzinfo=UTC), "GMT"),
        ("13/04/2024 10:00 GMT+5:30", datetime(2024, 4, 13, 4, 30, tzinfo=UTC), "GMT+5:30"),
        # ET is a real zone (with daylight saving), not a fixed offset
        ("Sept. 26, 2024 2:40 p.m. ET", datetime(2024, 9, 26, 18, 40, tzinfo=UTC), "ET"),
        ("Jan. 6, 2024 2:40 p.m. ET", datetime(2024, 1, 6, 19, 40, tzinfo=UTC), "ET"),
    ],
)
def test_parse_dates_with_zones(text: str, utc: datetime, label: str) -> None:
    local = parse_datetime(text)
    assert local is not None
    assert local.value.tzinfo is not None
    assert local.value.astimezone(UTC) == utc
    assert local.zone_label == label


@pytest.mark.parametrize(
    "text", ["", "no date here", "03/04/2024", "page 2 of 10", "1999 people", "Sept 26"]
)
def test_unparsable_or_ambiguous_dates_give_none(text: str) -> None:
    assert parse_datetime(text) is None


def test_ambiguous_numeric_date_with_an_order_hint() -> None:
    assert parse_datetime("03/04/2024", dayfirst=True) == LocalDateTime(datetime(2024, 4, 3), False)
    assert parse_datetime("03/04/2024", dayfirst=False) == LocalDateTime(
        datetime(2024, 3, 4), False
    )


def test_french_et_after_a_time_is_not_eastern_time() -> None:
    local = parse_datetime("26 sept. 2024 14:40 et plus")
    assert local == LocalDateTime(datetime(2024, 9, 26, 14, 40), True)


def test_find_datetime_reports_the_span_in_the_text() -> None:
    text = "Umer Jamshaid Published September 26, 2024 | 02:40 PM"
    found = find_datetime(text)
    assert found is not None
    assert text[found.start : found.end] == "September 26, 2024 | 02:40 PM"
    assert found.local == LocalDateTime(datetime(2024, 9, 26, 14, 40), True)


def test_find_datetime_takes_the_first_date() -> None:
    found = find_datetime("Posted 2 March 2024, updated 4 March 2024")
    assert found is not None
    assert found.local.value == datetime(2024, 3, 2)


def test_zone_for_place_prefers_official_names_and_population() -> None:
    # "Islamabad" is also an old alternate name of a bigger Bangladeshi city
    assert zone_for_place("ISLAMABAD") == "Asia/Karachi"
    assert zone_for_place("PARIS") == "Europe/Paris"  # not Paris, Texas
    assert zone_for_place("WASHINGTON, D.C.") == "America/New_York"
    assert zone_for_place("MÜNCHEN") == "Europe/Berlin"  # an alternate name
    assert zone_for_place("Atlantis Nowhere") is None
    assert zone_for_place(None) is None


def test_zone_for_domain_only_for_single_zone_countries() -> None:
    assert zone_for_domain("dawn.com.pk") == "Asia/Karachi"
    assert zone_for_domain("spiegel.de") == "Europe/Berlin"
    assert zone_for_domain("bbc.co.uk") == "Europe/London"
    assert zone_for_domain("elpais.es") is None  # Spain: Madrid and the Canaries
    assert zone_for_domain("example.com") is None
    assert zone_for_domain("startup.io") is None  # generic use of a ccTLD


def test_infer_zone_prefers_the_dateline() -> None:
    assert infer_zone("BERLIN", "dawn.com.pk") == ("Europe/Berlin", "dateline")
    assert infer_zone(None, "dawn.com.pk") == ("Asia/Karachi", "tld")
    assert infer_zone("Atlantis Nowhere", "example.com") is None


def test_to_utc_with_an_explicit_offset() -> None:
    local = LocalDateTime(
        datetime(2024, 9, 26, 14, 40, tzinfo=timezone(timedelta(hours=5))), True, "+05:00"
    )
    value, source = to_utc(local, "metadata", dateline="PARIS")
    assert value == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert source == "metadata;zone=+05:00(explicit)"


def test_to_utc_infers_the_zone_from_the_dateline() -> None:
    local = LocalDateTime(datetime(2024, 9, 26, 14, 40), True)
    value, source = to_utc(local, "byline", dateline="ISLAMABAD", domain="example.com")
    assert value == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert source == "byline;zone=Asia/Karachi(dateline)"


def test_to_utc_follows_daylight_saving_of_the_inferred_zone() -> None:
    winter = to_utc(LocalDateTime(datetime(2024, 1, 15, 12, 0), True), "byline", dateline="BERLIN")
    summer = to_utc(LocalDateTime(datetime(2024, 7, 15, 12, 0), True), "byline", dateline="BERLIN")
    assert winter[0] == datetime(2024, 1, 15, 11, 0, tzinfo=UTC)
    assert summer[0] == datetime(2024, 7, 15, 10, 0, tzinfo=UTC)


def test_to_utc_infers_the_zone_from_the_domain() -> None:
    local = LocalDateTime(datetime(2024, 9, 26, 14, 40), True)
    value, source = to_utc(local, "byline", domain="dawn.com.pk")
    assert value == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert source == "byline;zone=Asia/Karachi(tld)"


def test_to_utc_never_invents_a_zone_silently() -> None:
    local = LocalDateTime(datetime(2024, 9, 26, 14, 40), True)
    value, source = to_utc(local, "byline", dateline=None, domain="elpais.es")
    assert value == datetime(2024, 9, 26, 14, 40, tzinfo=UTC)
    assert source == "byline;zone=unknown,assumed UTC"


def test_to_utc_keeps_the_calendar_date_of_a_date_without_time() -> None:
    value, source = to_utc(
        LocalDateTime(datetime(2024, 9, 26), False), "dateline", dateline="TOKYO"
    )
    assert value == datetime(2024, 9, 26, tzinfo=UTC)
    assert source == "dateline;date-only,assumed 00:00 UTC"


def test_a_namesake_in_the_sites_country_wins() -> None:
    assert zone_for_place("VALENCIA") == "America/Caracas"  # the bigger Valencia
    assert zone_for_place("VALENCIA", "ES") == "Europe/Madrid"
    assert zone_for_place("PERTH", "GB") == "Europe/London"
    assert zone_for_place("BERLIN", "PK") == "Europe/Berlin"  # no Berlin in Pakistan
    assert infer_zone("VALENCIA", "diario.es") == ("Europe/Madrid", "dateline")


def test_zone_from_the_language_comes_last() -> None:
    assert zone_for_language("de") == "Europe/Berlin"
    assert zone_for_language("en") is None  # English outlets span every zone
    assert zone_for_language("es") is None  # Spain and the Americas
    assert infer_zone(None, None, "ru") == ("Europe/Moscow", "language")
    assert infer_zone("TOKYO", None, "de") == ("Asia/Tokyo", "dateline")
    value, source = to_utc(
        LocalDateTime(datetime(2024, 1, 23, 21, 48), True), "byline", language="de"
    )
    assert value == datetime(2024, 1, 23, 20, 48, tzinfo=UTC)
    assert source == "byline;zone=Europe/Berlin(language)"


def test_a_time_stated_in_utc_names_the_publishers_zone_too() -> None:
    # Many CMSs state UTC: 22:25 UTC on 3 May is already 4 May for a reader in Berlin.
    local = LocalDateTime(datetime(2022, 5, 3, 22, 25, tzinfo=UTC), True, "Z")
    value, source = to_utc(local, "metadata", domain="example.de")
    assert value == datetime(2022, 5, 3, 22, 25, tzinfo=UTC)
    assert source == "metadata;zone=Z(explicit);local=Europe/Berlin(tld)"
    offset = LocalDateTime(datetime(2022, 5, 4, 0, 25, tzinfo=timezone(timedelta(hours=2))), True)
    assert to_utc(offset, "metadata", domain="example.de")[1] == "metadata;zone=+02:00(explicit)"
