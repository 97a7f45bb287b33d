"""Troop numbers as news writes them: ranges, "over", "around", "an additional", "thousands of"."""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# "thousands of troops": a lower bound only.
VAGUE = {"dozens": 24, "hundreds": 200, "thousands": 2000, "tens of thousands": 20000}

_WORD = "|".join(sorted([*UNITS, *SCALES], key=len, reverse=True))
NUMBER = (
    r"\b(?:(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:hundred|thousand|million))?"
    rf"|(?:an?\s+(?:hundred|thousand|million))"
    rf"|(?:(?:{_WORD})(?:[\s-]+(?:{_WORD}))*))\b"
)


def _n(name: str) -> str:
    return f"(?P<{name}>{NUMBER})"


RANGE = re.compile(
    rf"(?:between\s+|from\s+)?{_n('lo')}\s*(?:to|and|or|[-–](?=\s*\d))\s*{_n('hi')}",
    re.I,
)
LOWER = re.compile(
    rf"(?:over|more\s+than|at\s+least|upwards?\s+of|in\s+excess\s+of|above)\s+{_n('n')}",
    re.I,
)
UPPER = re.compile(
    rf"(?:up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|under|nearly|almost)\s+{_n('n')}",
    re.I,
)
ABOUT = re.compile(
    rf"(?:around|about|approximately|roughly|some|an\s+estimated|estimated)?\s*{_n('n')}",
    re.I,
)
VAGUE_RE = re.compile(r"\b(tens of thousands|thousands|hundreds|dozens)\b", re.I)
ADDITIONAL = re.compile(r"\b(?:additional|extra|further|another|fresh)\b|\bmore\b(?!\s+than)", re.I)


def parse_number(text: str) -> int | None:
    """An integer from digits ("10,000", "1.5 million") or words ("ten thousand")."""
    t = text.strip().lower().replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(hundred|thousand|million)?", t)
    if m:
        return int(float(m[1]) * SCALES.get(m[2] or "", 1))
    total, current = 0, 0
    for word in re.split(r"[\s-]+", t):
        if word in ("a", "an"):
            current = max(current, 1)
        elif word in UNITS:
            current += UNITS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total, current = total + current, 0
        elif word == "and":
            continue
        else:
            return None
    value = total + current
    return value or None


def parse_quantity(text: str) -> tuple[int | None, int | None, bool]:
    """(min, max, additional) of a noun phrase's quantity; (None, None, ...) when none is given."""
    additional = bool(ADDITIONAL.search(text))
    m = RANGE.search(text)
    if m:
        lo, hi = parse_number(m["lo"]), parse_number(m["hi"])
        if lo is not None and hi is not None:
            if lo > hi:
                lo, hi = hi, lo
            return lo, hi, additional
    m = LOWER.search(text)
    if m and (n := parse_number(m["n"])) is not None:
        return n, None, additional
    m = UPPER.search(text)
    if m and (n := parse_number(m["n"])) is not None:
        return None, n, additional
    m = VAGUE_RE.search(text)
    if m:
        return VAGUE[m[1].lower()], None, additional
    for m in ABOUT.finditer(text):
        n = parse_number(m["n"])
        if n is not None and n > 1:
            return n, n, additional
    return None, None, additional
