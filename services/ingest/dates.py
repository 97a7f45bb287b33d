"""Dates as news pages write them: found in a line, never invented.

`find_date` looks for one calendar date in a short piece of text (a "Published:" line, a
timestamp under a byline, a dateline) with the time and the time zone the page states next to
it. It reads the shapes news sites use: ISO 8601, `2025/03/25 17:40 (JST)`, `11.02.2025 | 14:35`,
`16/1/2025 9:20 am`, `4 Feb. 2025, 08:10`, `March 3, 2025 11:02 a.m. EST`, `February 4th, 2025`,
`06 Feb 2025 - 09:45 GMT`, `9:14 AM EDT, Tue April 8, 2025`, and, for datelines only, a month
and day without a year (`Jan. 9`).

Numeric dates: dotted ones are always day first (11.02.2025 is 11 February); slashed and
dashed ones are day first too unless the second number cannot be a month (03/25/2025) or the
text names a US zone (EST, ET, PT…) or the caller says the outlet is American.

A date it cannot read is None: no part of a date is ever filled in from today, and a yearless
date stays yearless (`year=None`) for the caller to resolve or drop. `parse_foreign` hands a
labelled line in another language to dateparser, strictly (day, month and year must all be in
the text; no relative dates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser

# Zone abbreviations a page may print after a time. A fixed offset where the abbreviation
# names one (EST is -05:00 even in July: that is what the page said), an IANA zone where it
# names a region's civil time (ET, PT). Ambiguous ones (IST, CST, AST, BST outside the UK
# context...) are left out on purpose: an unknown abbreviation is no statement.
ZONE_ABBREVIATIONS: dict[str, str] = {
    "UTC": "+00:00",
    "GMT": "+00:00",
    "Z": "+00:00",
    "WET": "+00:00",
    "WEST": "+01:00",
    "BST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "MSK": "+03:00",
    "TRT": "+03:00",
    "EAT": "+03:00",
    "WAT": "+01:00",
    "CAT": "+02:00",
    "SAST": "+02:00",
    "GST": "+04:00",
    "PKT": "+05:00",
    "ICT": "+07:00",
    "WIB": "+07:00",
    "SGT": "+08:00",
    "HKT": "+08:00",
    "PHT": "+08:00",
    "AWST": "+08:00",
    "KST": "+09:00",
    "JST": "+09:00",
    "AEST": "+10:00",
    "AEDT": "+11:00",
    "NZST": "+12:00",
    "NZDT": "+13:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}

_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})\b"

# Each pattern names its parts: y, m (number) or mon (name), d; `a`/`b` are the two leading
# numbers of a D/M/Y or M/D/Y numeric date, whose order is decided afterwards.
_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # 2025-03-19T17:55:00+09:00, 2025-03-19 17:55
        r"\b(?P<y>(?:19|20)\d{2})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)"
        r"(?:[T ](?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:\.\d+)?)?"
        r"(?P<off>Z|[+-][01]\d:?[0-5]\d)?)?(?![\d-])",
        # 2025/03/25, 2025.03.19 (East Asian order)
        r"\b(?P<y>(?:19|20)\d{2})(?P<sep>[./])(?P<m>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)\b\.?",
        # 11.02.2025, 16/1/2025, 05-12-2024
        r"\b(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d{2})\b",
        # 4 Feb. 2025, 20 October 2024, 4th of February 2025
        rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",
        # March 3, 2025, Feb. 18 2025, February 4th, 2025
        rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}",
    )
)
# Datelines only: "Jan. 9", "18 March" (a year may follow, the patterns above take that).
_YEARLESS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (rf"\b{_MONTH}\s+{_DAY}(?![\d:])", rf"\b{_DAY}\s+{_MONTH}(?!\s*\d)")
)
_WEEKDAY = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\b\.?,?\s*$",
    re.IGNORECASE,
)
# A time after the date: ", 17:55", " | 14:35", " - 09:45", " at 11:48", " 11:02 a.m."
_TIME_AFTER = re.compile(
    r"\s*(?:[,|·•–—-]\s*)*(?:at\s+)?(?P<H>[0-2]?\d)(?:(?::|\.|h)(?P<M>[0-5]\d))?(?::(?P<S>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?",
    re.IGNORECASE,
)
# A time before the date: "17:55, 19 March 2025", "08:10 GMT, 4 Feb 2025"
_TIME_BEFORE = re.compile(
    r"(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
    r"(?:\s*\(?(?P<zone>[A-Z]{1,5})\)?)?\s*(?:[,|·•–—-]|\bon\b)?\s*$",
    re.IGNORECASE,
)
# A zone after the time (or the date): "GMT", "(JST)", "EST", "UTC+3", "GMT+05:30", "+0900"
_ZONE_AFTER = re.compile(
    r"\s*\(?(?P<zone>(?:UTC|GMT)\s?[+-−]\s?\d{1,2}(?::?\d{2})?|[A-Z]{1,5}\b|[+-]\d{2}:?\d{2})\)?"
)
_OFFSET = re.compile(r"(?:UTC|GMT)?\s?(?P<sign>[+-−])\s?(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$")
# Zones of the United States: their pages write numeric dates month first (03/05 is March 5).
_AMERICAN_ZONE = re.compile(r"\b(?:E|C|M|P)(?:S|D)?T\b(?<!\bCST)")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A calendar date found in text, with what the text said about the time and zone."""

    year: int | None
    month: int
    day: int
    hour: int | None = None
    minute: int = 0
    second: int = 0
    zone: str | None = None  # "+09:00", an IANA name, or None when the text states none
    start: int = 0  # the span of the date (and its time and zone) in the text
    end: int = 0

    def resolve(self, year: int | None, default_zone: str | None) -> datetime | None:
        """An aware datetime: the stated zone, else `default_zone`, else UTC; None if invalid."""
        y = self.year or year
        if y is None:
            return None
        try:
            return datetime(
                y, self.month, self.day, self.hour or 0, self.minute, self.second,
                tzinfo=zone(self.zone or default_zone),
            )  # fmt: skip
        except ValueError:
            return None


@lru_cache(maxsize=128)
def zone(name: str | None) -> tzinfo:
    """A zone from an IANA name or a "+HH:MM" offset; UTC for None or anything unknown."""
    if not name or name in ("UTC", "+00:00"):
        return UTC
    offset = _OFFSET.match(name)
    if offset:
        minutes = int(offset["h"]) * 60 + int(offset["m"] or 0)
        sign = -1 if offset["sign"] in "-−" else 1
        return timezone(timedelta(minutes=sign * minutes)) if minutes else UTC
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return UTC


def zone_name(token: str) -> str | None:
    """'JST' -> '+09:00', 'UTC+3' -> '+03:00', 'ET' -> 'America/New_York'; None if unknown."""
    token = token.strip("() ").replace("−", "-")
    known = ZONE_ABBREVIATIONS.get(token.upper())
    if known:
        return known
    offset = _OFFSET.match(token.replace(" ", ""))
    if offset and (token[:1] in "+-" or token[:3].upper() in ("UTC", "GMT")):
        hours, minutes = int(offset["h"]), int(offset["m"] or 0)
        if hours <= 14 and minutes < 60:
            return f"{offset['sign'].replace('−', '-')}{hours:02d}:{minutes:02d}"
    return None


def find_date(text: str, *, yearless: bool = False, month_first: bool = False) -> FoundDate | None:
    """The first date in `text` with its time and zone, or None. Nothing is filled in.

    `yearless` also accepts a month and day alone (datelines); `month_first` reads an
    ambiguous slashed date such as 03/05/2025 as March 5 (an American page).
    """
    best: tuple[int, re.Match[str]] | None = None
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match)
    if best is None and yearless:
        for pattern in _YEARLESS:
            match = pattern.search(text)
            if match and (best is None or match.start() < best[0]):
                best = (match.start(), match)
    if best is None:
        return None
    match = best[1]
    parts = match.groupdict()
    year = int(parts["y"]) if parts.get("y") else None
    if parts.get("mon"):
        month = _MONTH_NUMBERS[parts["mon"][:3].lower()]
        day = int(parts["d"])
    elif parts.get("a"):
        a, b = int(parts["a"]), int(parts["b"])
        american = month_first or _AMERICAN_ZONE.search(text) is not None
        if parts["sep"] == "." or a > 12 or (b <= 12 and not american):
            day, month = a, b
        else:
            month, day = a, b
    else:
        month, day = int(parts["m"]), int(parts["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    hour = minute = second = None
    stated: str | None = None
    end = match.end()
    if parts.get("H"):  # ISO with its own time
        hour, minute, second = int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)
        if parts.get("off"):
            stated = zone_name(parts["off"]) if parts["off"] != "Z" else "+00:00"
    else:
        clock = _TIME_AFTER.match(text, end)
        if clock and (clock["M"] or clock["ampm"]) and not _digit_follows(text, clock.end()):
            hour, minute, second = _clock(clock["H"], clock["M"], clock["S"], clock["ampm"])
            end = clock.end() if hour is not None else end
        if hour is None:  # "17:55, 19 Mar. 2025", "9:14 AM EDT, Tue April 8, 2025"
            lead = weekday_before(text, match.start())
            before = _TIME_BEFORE.search(text[max(0, lead - 24) : lead])
            if before:
                hour, minute, second = _clock(before["H"], before["M"], None, before["ampm"])
                if before["zone"]:
                    stated = zone_name(before["zone"])
    if stated is None:
        tail = _ZONE_AFTER.match(text, end)
        if tail:
            named = zone_name(tail["zone"])
            if named is not None:
                stated, end = named, tail.end()
    found = FoundDate(year, month, day, hour, minute or 0, second or 0, stated, match.start(), end)
    if year is not None and found.resolve(None, None) is None:
        return None  # "February 30, 2025"
    return found


def _digit_follows(text: str, pos: int) -> bool:
    return pos < len(text) and text[pos].isdigit()


def _clock(
    h: str, m: str | None, s: str | None, ampm: str | None
) -> tuple[int | None, int | None, int | None]:
    hour, minute, second = int(h), int(m or 0), int(s or 0)
    if ampm:
        if not 1 <= hour <= 12:
            return None, None, None
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    if hour > 23:
        return None, None, None
    return hour, minute, second


def weekday_before(text: str, start: int) -> int:
    """Where a weekday name that leads into position `start` begins ('Monday, 09 Dec…')."""
    match = _WEEKDAY.search(text[:start])
    return match.start() if match else start


# dateparser: only for a labelled line in another language ("Veröffentlicht am 5. März 2025").
_STRICT = {
    "STRICT_PARSING": True,  # day, month and year must all be in the text
    "PARSERS": ["custom-formats", "absolute-time"],  # no "2 hours ago", no "today"
    "DATE_ORDER": "DMY",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DATES_FROM": "past",
}


@lru_cache(maxsize=1024)
def parse_foreign(text: str, language: str) -> FoundDate | None:
    """A date in a non-English stamp through dateparser, strictly; None when incomplete."""
    text = text.strip()[:80]
    if not any(c.isdigit() for c in text):
        return None
    parsed = dateparser.parse(text, languages=[language, "en"], settings=_STRICT)
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    has_time = bool(re.search(r"\d{1,2}[:h.]\d{2}(?!\d)", text))
    tail = re.search(r"\b(?:[A-Z]{2,5}|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?)\s*\)?\s*$", text)
    stated = zone_name(tail.group(0)) if tail else None
    return FoundDate(
        parsed.year, parsed.month, parsed.day,
        parsed.hour if has_time else None, parsed.minute if has_time else 0, 0,
        stated, 0, len(text),
    )  # fmt: skip
