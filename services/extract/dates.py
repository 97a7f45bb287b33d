"""Dates as written in news ("on Tuesday", "last September", "June 18, 2024") to ISO strings.

Relative expressions resolve against the publication date and stay None without it: a date
is never invented.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?(?:\s+{_YEAR})?\b", re.I)
DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+{_MONTH},?(?:\s+{_YEAR})?\b", re.I)
MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", re.I)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
YEAR_ONLY = re.compile(rf"^(?:in\s+|the\s+year\s+)?{_YEAR}$", re.I)
LAST_MONTH_NAME = re.compile(
    rf"\b(?P<rel>last|this|next|early|late|mid|earlier)?[\s-]*{_MONTH}\b", re.I
)
# "November last year", "in March this year", "September of next year".
MONTH_REL_YEAR = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b", re.I)
WEEKDAY = re.compile(
    r"\b(?P<rel>last|this|next|on|early|late)?\s*(?P<weekday>" + "|".join(WEEKDAYS) + r")\b",
    re.I,
)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """The date at its precision, or None when the parts make no date."""
    try:
        if day is not None and month is not None:
            return date(year, month, day).isoformat()
    except ValueError:
        return None
    if month is not None:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    return f"{year:04d}"


# Words that make a date expression point at a time, not at a span or a rate ("annual",
# "three-day", "for years"): a pointing expression that cannot be resolved ("last week")
# still dates its clause, as unknown.
POINTING = re.compile(
    r"\b(?:last|this|next|earlier|later|ago|previous|coming|past|recent|recently|week|weekend"
    r"|spring|summer|autumn|fall|winter|yesterday|today|tomorrow|tonight|beginning|start|end"
    r"|month|year|day|morning|afternoon|evening|night)\b",
    re.I,
)
_COUNT = (
    r"\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|several|many|few|a\s+few"
)
DURATION = re.compile(
    rf"^(?:the\s+|an?\s+)?(?:(?:{_COUNT})[\s-]+)?(?:days?|weeks?|months?|years?|decades?)"
    r"(?:-long|\s+long)?$",
    re.I,
)


def is_point(text: str) -> bool:
    """Whether a date expression names a point in time ("on Tuesday", "last week") rather than
    a rate or a length ("annual", "a three-day", "decades")."""
    t = text.strip()
    if resolve_date(t, date(2000, 1, 1)) is not None:
        return not DURATION.match(t)
    return bool(POINTING.search(t)) and not DURATION.match(t)


def _recent_day(month: int, day: int, published: date, future: bool) -> int:
    """The year of the nearest `month`/`day` on or before (for plans, on or after) publication."""
    if future:
        return (
            published.year
            if (month, day) >= (published.month, published.day)
            else published.year + 1
        )
    return (
        published.year if (month, day) <= (published.month, published.day) else published.year - 1
    )


def _recent_month(month: int, published: date, future: bool) -> int:
    """The year of the nearest `month` before (or, for plans, after) the publication date."""
    if future:
        return published.year if month >= published.month else published.year + 1
    return published.year if month <= published.month else published.year - 1


def resolve_date(text: str, published: date | None, *, future: bool = False) -> str | None:
    """ISO date of a date expression at its precision; None when it cannot be pinned down."""
    t = text.strip().lower()
    m = ISO.search(t)
    if m:
        return _iso(int(m["year"]), int(m["month"]), int(m["day"]))
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        m = pattern.search(t)
        if m:
            month, day = MONTHS[m["month"].lower()], int(m["day"])
            if m["year"]:
                return _iso(int(m["year"]), month, day)
            if published is None:
                return None
            return _iso(_recent_day(month, day, published, future), month, day)
    m = MONTH_YEAR.search(t)
    if m:
        return _iso(int(m["year"]), MONTHS[m["month"].lower()])
    m = YEAR_ONLY.search(t)
    if m:
        return m["year"]
    if published is None:
        return None
    return _relative(t, published, future)


def _relative(t: str, published: date, future: bool) -> str | None:
    """Expressions that need the publication date: weekdays, "yesterday", "last month"..."""
    if t in ("today", "this morning", "this afternoon", "this evening", "tonight"):
        return published.isoformat()
    if t in ("yesterday", "the previous day", "the day before", "a day earlier", "last night"):
        return (published - timedelta(days=1)).isoformat()
    if t in ("tomorrow", "the next day", "the following day"):
        return (published + timedelta(days=1)).isoformat()
    if t in ("the start of the year", "the beginning of the year"):
        return f"{published.year:04d}-01"
    m = MONTH_REL_YEAR.search(t)
    if m:
        offset = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
        return _iso(published.year + offset, MONTHS[m["month"].lower()])
    if "year" in t and not re.search(r"\d", t):
        if "last year" in t or "previous year" in t:
            return str(published.year - 1)
        if "next year" in t:
            return str(published.year + 1)
        if "this year" in t or "earlier this year" in t:
            return str(published.year)
        return None
    month_words = re.sub(r"^(?:earlier|later|early|late|mid|in|at|the|start|end|of|\s|-)+", "", t)
    if month_words in ("last month", "the previous month", "previous month"):
        first = published.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    if month_words == "this month":
        return f"{published.year:04d}-{published.month:02d}"
    if month_words in ("next month", "the following month", "the next month", "following month"):
        first = (published.replace(day=28) + timedelta(days=4)).replace(day=1)
        return f"{first.year:04d}-{first.month:02d}"
    m = WEEKDAY.search(t)
    if m and "week" not in t:
        target = WEEKDAYS[m["weekday"].lower()]
        rel = (m["rel"] or "").lower()
        if rel == "next":
            delta = (target - published.weekday()) % 7 or 7
            return (published + timedelta(days=delta)).isoformat()
        if future and rel != "last":
            # A plan "on Wednesday" written on a Wednesday is for that day.
            delta = (target - published.weekday()) % 7
            return (published + timedelta(days=delta)).isoformat()
        delta = (published.weekday() - target) % 7
        if rel == "last" and delta == 0:
            delta = 7
        return (published - timedelta(days=delta)).isoformat()
    m = LAST_MONTH_NAME.search(t)
    if m and "week" not in t:
        month = MONTHS[m["month"].lower()]
        rel = (m["rel"] or "").lower()
        if rel == "next":
            year = published.year if month > published.month else published.year + 1
        elif rel == "last":
            year = published.year if month < published.month else published.year - 1
        elif rel == "this":
            year = published.year
        else:
            year = _recent_month(month, published, future)
        return _iso(year, month)
    return None


def previous_day(iso: str) -> str | None:
    """The day before a full ISO date ("the previous day" relative to another date)."""
    return shift_day(iso, -1)


def shift_day(iso: str, days: int) -> str | None:
    """A full ISO date moved by `days` ("the day after" another date); None for a month."""
    if len(iso) != 10:
        return None
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()
