"""Pure helpers of the extractor: dates and troop quantities."""

from __future__ import annotations

from datetime import date

import pytest

from services.extract.dates import is_point, resolve_date, shift_day
from services.extract.pipeline import load_gazetteer
from services.extract.quantities import parse_number, parse_quantity

PUBLISHED = date(2025, 3, 19)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Tuesday", "2025-03-18"),
        ("Monday", "2025-03-17"),
        ("Saturday", "2025-03-15"),
        ("Wednesday", "2025-03-19"),
        ("last Wednesday", "2025-03-12"),
        ("the previous day", "2025-03-18"),
        ("yesterday", "2025-03-18"),
        ("last September", "2024-09"),
        ("October 2024", "2024-10"),
        ("in October 2024", "2024-10"),
        ("June 18, 2024", "2024-06-18"),
        ("18 June 2024", "2024-06-18"),
        ("2023", "2023"),
        ("earlier this year", "2025"),
        ("last year", "2024"),
        ("last month", "2025-02"),
        ("recently", None),
        ("last week", None),
        ("next month", "2025-04"),
        ("the start of the year", "2025-01"),
        ("November last year", "2024-11"),
        ("in June this year", "2025-06"),
        ("February of next year", "2026-02"),
    ],
)
def test_dates(text: str, expected: str | None) -> None:
    assert resolve_date(text, PUBLISHED) == expected


def test_relative_dates_need_a_publication_date() -> None:
    assert resolve_date("on Tuesday", None) is None
    assert resolve_date("last September", None) is None
    assert resolve_date("June 18, 2024", None) == "2024-06-18"


def test_planned_weekdays_look_ahead() -> None:
    assert resolve_date("on Friday", PUBLISHED, future=True) == "2025-03-21"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("earlier this month", "2025-03"),
        ("later this month", "2025-03"),
        ("late last month", "2025-02"),
        ("earlier this week", None),
        ("March 25", "2024-03-25"),  # no year: the latest March 25 on or before publication
        ("March 2", "2025-03-02"),
    ],
)
def test_month_relative_dates(text: str, expected: str | None) -> None:
    assert resolve_date(text, PUBLISHED) == expected


def test_planned_dates_look_ahead_from_the_day_itself() -> None:
    assert resolve_date("on Wednesday", PUBLISHED, future=True) == "2025-03-19"
    assert resolve_date("next Wednesday", PUBLISHED, future=True) == "2025-03-26"
    assert resolve_date("March 12", PUBLISHED, future=True) == "2026-03-12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("annual", False),
        ("a three-day", False),
        ("11-day", False),
        ("decades", False),
        ("two years", False),
        ("last week", True),
        ("this week", True),
        ("Thursday evening", True),
        ("next month", True),
        ("2019", True),
    ],
)
def test_points_in_time_and_lengths(text: str, expected: bool) -> None:
    assert is_point(text) is expected


def test_shift_day() -> None:
    assert shift_day("2025-03-01", -1) == "2025-02-28"
    assert shift_day("2025-03", 1) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10,000 to 12,000", (10000, 12000, False)),
        ("between 10,000 to 12,000", (10000, 12000, False)),
        ("between 1,000 and 3,000", (1000, 3000, False)),
        ("an additional 1,000 to 3,000 North Korean", (1000, 3000, True)),
        ("over 10,000", (10000, None, False)),
        ("more than 3,000", (3000, None, False)),
        ("around 11,000 infantry", (11000, 11000, False)),
        ("up to 12,000", (None, 12000, False)),
        ("thousands of", (2000, None, False)),
        ("two thousand", (2000, 2000, False)),
        ("an additional 500", (500, 500, True)),
        ("500 more", (500, 500, True)),
        ("North Korean", (None, None, False)),
        ("upward of 7,500 Chadian", (7500, None, False)),
        ("an additional brigade of 2,500 troops", (2500, 2500, True)),
        ("between 300 and 500 soldiers", (300, 500, False)),
    ],
)
def test_quantities(text: str, expected: tuple[int | None, int | None, bool]) -> None:
    assert parse_quantity(text) == expected


def test_number_words() -> None:
    assert parse_number("twenty-five") == 25
    assert parse_number("1.5 million") == 1_500_000
    assert parse_number("a thousand") == 1000
    assert parse_number("several") is None


def test_gazetteer_covers_the_world() -> None:
    gaz = load_gazetteer()
    codes = {row["iso3"] for row in gaz.countries}
    assert len(codes) >= 90
    assert {"PRK", "KOR", "RUS", "UKR", "USA", "CHN", "IND", "PAK", "IRN", "TUR", "PHL"} <= codes
    assert gaz.capitals["pyongyang"] == "PRK"
    assert all(len(row["iso3"]) == 3 for row in gaz.countries)


def test_a_possessive_is_not_part_of_the_name() -> None:
    from services.extract.extractor import _person_spans
    from tests.test_extract_engine import shared_nlp

    doc = shared_nlp()("Analysts said Hakan Fidan’s trip to Cairo and Mark Rutte's talks mattered.")
    assert {span.text for span in _person_spans(doc)} >= {"Hakan Fidan", "Mark Rutte"}
