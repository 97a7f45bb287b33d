"""Raw document -> Article: pure functions, no Redis.

Plain text, HTML and JSON envelopes all end up as a list of lines that one line-level cleaner
sorts into title, body paragraphs, captions, bylines, dates and boilerplate.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from schemas.documents import Article, Paragraph, RawDocument
from services.ingest.dates import FoundDate, find_date, parse_foreign, weekday_before, zone

log = logging.getLogger(__name__)

MIN_WORDS = 5  # below this, what is left after cleaning is furniture, not an article
FORMATS = {".txt": "text", ".html": "html", ".htm": "html", ".json": "json"}

# The bounded set of BadDocument reasons (a Prometheus label).
REASONS = frozenset(
    {"empty", "invalid_utf8", "binary", "too_large", "bad_envelope", "no_article_text"}
)


class BadDocument(ValueError):
    """A raw document that cannot become an Article; `reason` is a short machine-usable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------------
# Data: outlets, time zones, boilerplate. Extend these lists rather than the code.

_SEOUL, _MOSCOW, _KYIV = "Asia/Seoul", "Europe/Moscow", "Europe/Kyiv"

# (domain suffix, names the outlet signs with, time zone of its timestamps)
OUTLETS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("joins.com", ("korea joongang daily", "joongang daily"), _SEOUL),
    ("joongang.co.kr", ("joongang ilbo",), _SEOUL),
    ("koreatimes.co.kr", ("korea times",), _SEOUL),
    ("koreaherald.com", ("korea herald",), _SEOUL),
    ("yna.co.kr", ("yonhap news agency", "yonhap"), _SEOUL),
    ("chosun.com", ("chosun ilbo",), _SEOUL),
    ("hani.co.kr", ("hankyoreh",), _SEOUL),
    ("donga.com", ("dong-a ilbo",), _SEOUL),
    ("kcna.kp", ("korean central news agency",), "Asia/Pyongyang"),
    ("tass.com", ("tass",), _MOSCOW),
    ("tass.ru", (), _MOSCOW),
    ("ria.ru", (), _MOSCOW),
    ("themoscowtimes.com", ("moscow times",), _MOSCOW),
    ("kyivindependent.com", ("kyiv independent",), _KYIV),
    ("ukrinform.net", ("ukrinform",), _KYIV),
    ("pravda.com.ua", (), _KYIV),
    ("japantimes.co.jp", ("japan times",), "Asia/Tokyo"),
    ("kyodonews.net", ("kyodo news",), "Asia/Tokyo"),
    ("nhk.or.jp", (), "Asia/Tokyo"),
    ("scmp.com", ("south china morning post",), "Asia/Hong_Kong"),
    ("xinhuanet.com", ("xinhua",), "Asia/Shanghai"),
    ("globaltimes.cn", ("global times",), "Asia/Shanghai"),
    ("thejournal.ie", ("thejournal.ie",), "Europe/Dublin"),
    ("rte.ie", (), "Europe/Dublin"),
    ("bbc.co.uk", (), "Europe/London"),
    ("bbc.com", (), "Europe/London"),
    ("theguardian.com", (), "Europe/London"),
)

# Agencies and dateline cities whose local time a dateline date is written in.
DATELINE_ZONES = {
    "yonhap": _SEOUL,
    "kcna": "Asia/Pyongyang",
    "tass": _MOSCOW,
    "ria novosti": _MOSCOW,
    "interfax": _MOSCOW,
    "ukrinform": _KYIV,
    "kyodo": "Asia/Tokyo",
    "xinhua": "Asia/Shanghai",
    "seoul": _SEOUL,
    "pyongyang": "Asia/Pyongyang",
    "moscow": _MOSCOW,
    "kyiv": _KYIV,
    "kiev": _KYIV,
    "tokyo": "Asia/Tokyo",
    "beijing": "Asia/Shanghai",
    "washington": "America/New_York",
    "new york": "America/New_York",
    "london": "Europe/London",
    "brussels": "Europe/Brussels",
    "berlin": "Europe/Berlin",
    "paris": "Europe/Paris",
    "ankara": "Europe/Istanbul",
    "tehran": "Asia/Tehran",
    "beirut": "Asia/Beirut",
    "jerusalem": "Asia/Jerusalem",
    "cairo": "Africa/Cairo",
    "nairobi": "Africa/Nairobi",
    "manila": "Asia/Manila",
    "hanoi": "Asia/Ho_Chi_Minh",
    "islamabad": "Asia/Karachi",
    "new delhi": "Asia/Kolkata",
    "minsk": "Europe/Minsk",
}


# Whole lines that are page furniture, never article text (matched case-insensitively, on the
# line without its decoration: "— ADVERTISEMENT —" is matched as "ADVERTISEMENT").
BOILERPLATE = (
    r"settings",
    r"ⓕ?\s*font[- ]?size",
    r"text size|a\s?a\s?a|print|share|share (this|on) .{1,30}",
    r".{0,30}\bshare button",
    r"(facebook|twitter|x|kakao(talk)?|e?-?mail|link|linkedin|whatsapp|telegram|reddit|copy link)",
    r"audio report:.*",
    r"listen to (this|the) (article|story).*",
    r"original source:.*",
    r"related (posts|articles|stories|news|topics)",
    r"to write comments,? please log in.*",
    r"standards board policy.*",
    r"top \d+ (stories|news)",
    r"go top( letter)?",
    r"close|menu|search|home|more|next|previous",
    r"(most (read|popular|viewed))( stories| articles)?",
    r"(\W*advertisement\W*|sponsored( content)?|ad|promoted|paid (content|partner))",
    r"(subscribe|sign up|log ?in|sign in|register)\b.{0,60}",
    r"skip to (main )?content|back to top|scroll to top",
    r"(read|see|load|show) more.{0,40}",
    r"(copyright|©|\(c\)).{0,160}",
    r".{0,120}\ball rights reserved\.?.{0,80}",
    r"(we use cookies|this (web)?site uses cookies|by (continuing|using) (to use )?this (web)?site)"
    r".{0,400}",
    r"(accept|reject|allow|manage)( all)?( cookies)?|cookie (settings|policy|preferences)",
    r"comments? \(\d+\)|\d+ comments?",
    r"(click|tap) here.{0,80}",
    r"(tags?|keywords?|topics?)\s*:.{0,200}",
    r"follow us.{0,60}",
    r"more from .{1,60}",
    r"(reading time|read time)\W{0,3}\d+\s*min(ute)?s?\.?|\d+\s*min(ute)?s?\.? read",
    r"(e-?paper|newsletters?|donate|support us|live tv|watch live|get (the app|alerts)|all news)",
    r"link copied|save (for later|article)|gift (this )?article|reuse this content",
    r"(this|the) (article|story) (is|was) (more than|over) \d+ (years?|months?) old\.?",
    r".{0,120},? opens (a )?new (tab|window)\.?",
    r"(your )?browser does not support.{0,60}|.{0,40}\b(enable|turn on) javascript.{0,60}",
    r"javascript is (disabled|required|not enabled).{0,60}",
    r"(the )?(story|article) continues (below|after).{0,40}|continue reading.{0,40}",
    r"advertisement.{0,5}(scroll|continue).{0,40}",
)
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE), re.IGNORECASE)

# Prompts of a comment section: never news prose, wherever they stand.
COMMENT_PROMPTS = (
    r"^comments?\s*(?:[(:]\s*\d+\)?|are (?:closed|moderated|reviewed|disabled)|policy|$)",
    r"\b(?:leave|add|post|write|submit) (?:a|your) (?:comment|reply)",
    r"\bbe the first to (?:comment|reply|review)",
    r"\b(?:log|sign) ?in (?:or register )?to (?:comment|reply|join|leave|post)",
    r"\bjoin the (?:conversation|discussion|debate)\b",
    r"\bhave your say\b",
    r"\byour email address will not be published",
    r"\brequired fields are marked",
    r"\bcomments? (?:that|which) (?:include|contain)",
    r"\b(?:reader|user)s?'? comments?\b",
    r"\btell us in the comments\b",
    r"\bcomments? (?:are|is|will be) (?:closed|moderated|reviewed|posted|welcome)",
    r"\bto (?:leave|post|add) a comment\b",
)
_COMMENT_PROMPT = re.compile("|".join(f"(?:{p})" for p in COMMENT_PROMPTS), re.IGNORECASE)
_COMMENT_WORDS = (
    "comment", "reply", "be the first", "join the", "have your say", "email address", "required"
)  # fmt: skip

# Headings of link lists (related stories, most read, tags, a wire's "(END)"): after one the
# cleaner drops short lines until prose resumes.
LIST_HEADINGS = (
    r"(?:\w+\s+)?related\b.{0,40}",
    r".{0,30}\b(?:related|recommended) (?:to|for|stories|articles|news|coverage|content|links)"
    r"\b.{0,30}",
    r"(?:read|see|watch|listen)\s+(?:more|also|next)\b.{0,40}",
    r"also (?:read|see|on)\b.{0,40}",
    r"more (?:on|from|in|about|stories|news|articles|coverage|headlines|videos)\b.{0,40}",
    r"(?:latest|top|other|similar|popular|suggested|trending|recommended)"
    r" (?:news|stories|articles|headlines|videos|reads|now|posts)\b.{0,20}",
    r"trending|recommended|further reading|editor'?s? picks?|in (?:this|other) news",
    r"you (?:may|might) (?:also )?(?:like|be interested in|have missed).{0,20}",
    r"most (?:read|viewed|popular|shared|watched|commented|recent)\b.{0,30}",
    r"explore more\b.{0,40}|keywords?|tags?|topics?|in this (?:story|article)",
    r"(?:suggested|related|popular|trending|more|other) (?:topics?|tags?)",
    r"\(end\)|-+\s*30\s*-+|#{3}",
)
_LIST_HEADING = re.compile("|".join(f"(?:{p})" for p in LIST_HEADINGS), re.IGNORECASE)

# Photo credits that end a caption line: "[AFP/YONHAP]", "[NEWS1]", "TASS-Yonhap", "(AP Photo/…)",
# "(Photo: ICANA)", "Photograph: Reuters", "[Turkish Presidency/Handout]", "— ISPR".
_CREDIT = re.compile(
    r"(?:\[[A-Z0-9][A-Z0-9 .,&'/_-]{1,40}\]"
    r"|\[[A-Z][^\[\]]{1,40}/(?:Handout|Reuters|AFP|AP|EPA|Getty|Anadolu|File)\]"
    r"|\b[A-Z][A-Za-z]+(?:[/-][A-Z][A-Za-z]+)*-Yonhap"
    r"|\((?:AP|AFP|EPA|Reuters|Getty|Yonhap|Xinhua|TASS)\b[^()]{0,60}\)"
    r"|\([^()]{1,60}\bvia (?:AP|AFP|Reuters|Getty Images|EPA)\)"
    r"|\(?\b(?:Photo|Photograph|Picture|Image|Credit|File photo)s?(?: credit)?\s*[:/]"
    r"\s*[^()]{1,60}\)?"
    r"|\b(?:Yonhap|Reuters|AFP|AP|EPA|Getty Images|Xinhua|KCNA|TASS|Sputnik|Bloomberg|Newsis|News1)"
    r"|\s[—–]\s?(?:[A-Z]{2,8}|Reuters|File|Handout)"
    r"|\b[A-Z]{2,12}/[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+)?"
    r"|\b(?:Courtesy of|Photo by|Photo courtesy of|Korea Times photo by) [^.]{1,60})\s*$"
)

_WEBMAIL = frozenset(
    {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "naver.com", "daum.net", "proton.me"}
)
# Image hosts that say nothing about the outlet.
_CDN_HINTS = ("cloudfront", "akamai", "cdn", "wp.com", "imgur", "googleusercontent", "twimg")

# Words of a share bar: "Facebook X WhatsApp Email Copy link", "Like Share Save Print".
_SHARE_STRONG = _words(
    "share shares sharing facebook twitter x whatsapp telegram email e-mail mail linkedin reddit "
    "pinterest flipboard bluesky threads kakao kakaotalk vk weibo wechat line print copy tweet "
    "like save bookmark messenger sms f fb in tw li ok gift"
)
_SHARE_WEAK = _words("on this article story link copied via the reuse content to page url")

# ---------------------------------------------------------------------------------------------
# Line patterns.

_TERMINAL = tuple(".!?…\"”’':;")
_STOPS = tuple(".!?…")
_CLOSERS = "\"”’')]»"
_WORD = re.compile(r"\w+")
_ALPHA_WORD = re.compile(r"[^\W\d_]{2,}|\b[^\W\d_]\b")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_CF_EMAIL = re.compile(r"\[?\s*\[?email\s*protected\]?\s*\]?", re.IGNORECASE)
_MD_IMAGE = re.compile(r"^!\[(?P<alt>.*)\]\((?P<url>[^()\s]*)(?:\s+\"[^\"]*\")?\)$")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\((?:https?://|/)[^()\s]*\)")
_ORIGINAL_SOURCE = re.compile(r"^original source:\s*(?P<src>\S+)", re.IGNORECASE)
# Labels of a date line; the kind decides its rank ("updated" only when nothing else is given).
_STAMP_LABEL = re.compile(
    r"^(?:(?P<kind>first published|originally published|published|posted|created|released"
    r"|issued|dated|date|last updated|updated|last modified|modified|edited)\b(?:\s+(?:on|at))?"
    r"|(?P<foreign>publié le|publié|mis à jour le|mis à jour|veröffentlicht am|veröffentlicht"
    r"|aktualisiert am|aktualisiert|publicado el|publicado|actualizado el|actualizado"
    r"|pubblicato il|pubblicato|aggiornato il|aggiornato|опубликовано|обновлено))\s*[:：]?\s*",
    re.IGNORECASE,
)
_FOREIGN_LABELS = {  # a stamp's label in another language -> the language dateparser reads
    "publié": "fr",
    "mis": "fr",
    "veröffentlicht": "de",
    "aktualisiert": "de",
    "publicado": "es",
    "actualizado": "es",
    "pubblicato": "it",
    "aggiornato": "it",
    "опубликовано": "ru",
    "обновлено": "ru",
}
_UPDATED = frozenset({"last updated", "updated", "last modified", "modified", "edited"})
_NAME_TOKEN = r"[A-Z][A-Za-z'’.-]*"
_NAME = re.compile(rf"^{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}}$")
_BYLINE = re.compile(
    r"^(?:(?:written|words|reported|posted|story|text)\s+by|by|authors?\s*:|reporters?\s*:)"
    r"\s*[:\s]\s*"
    r"(?P<names>.+)$",
    re.IGNORECASE,
)
_DASH_BYLINE = re.compile(r"^[-–—]\s*(?P<names>[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){1,3})$")
_CREDITS_LINE = re.compile(
    r"^(?:reporting|writing|editing|additional reporting|compiled)\s+by\b", re.IGNORECASE
)
# Staff and sign-off lines: "Staff and agencies in Nairobi", "Our Correspondent",
# "Moriyama reported from Tokyo.", "… contributed to this report."
_STAFF_LINE = re.compile(
    r"^(?:by\s+)?(?:our|the|a)?\s*(?:own\s+)?(?:staff|agencies|wires?|newsroom|news desk"
    r"|\w+ desk|correspondents?|reporters?|staff reporters?|staff writers?|web desk"
    r"|(?:staff|agencies|wires) and (?:staff|agencies|wires))"
    r"(?:\s+(?:in|from|at)\s+[A-Z][\w .'’-]{1,30})?\.?$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    rf"^{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}(?:,?\s+and\s+{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}})?"
    r"\s+(?:reported|contributed(?: reporting)?|wrote)\s+(?:from|in)\s+[A-Z][\w .,'’-]{1,40}\.?$"
    r"|\bcontributed (?:reporting )?to this (?:report|story|article)\.?$",
)
_ROLE = re.compile(
    r"\b(?:correspondent|reporter|editor|writer|columnist|contributor|bureau|chief|analyst|staff"
    r"|desk|newsroom|agencies|agency|team|news|wires?|online)\b",
    re.IGNORECASE,
)
_WIRE_TAG = re.compile(
    r"^(?:\((?:\d+(?:st|nd|rd|th)\s+)?(?:LEAD|LD|URGENT|UPDATE\s*\d*|CORRECTED|CORRECTION|REFILE"
    r"|RECAST|BREAKING|WRAPUP\s*\d*|EXCLUSIVE)[^()]{0,20}\)"
    r"|(?:UPDATE\s*\d+|REFILE|CORRECTED|EXCLUSIVE|BREAKING|WRAPUP\s*\d*)\s*[-:])\s*"
)
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_PLACE_WORD = r"[A-Z][A-Za-z.'’-]*"
_PLACE = rf"{_PLACE_WORD}(?:\s{_PLACE_WORD}){{0,3}}"
# "SEOUL, March 19 (Yonhap) --", "MOSCOW, 18 March 2025 (TASS) —", "KYIV, Ukraine, Jan. 5 -",
# "WASHINGTON, March 3, 2025 (AP) —", "NEW DELHI, Feb 3: "
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE}(?:,\s*{_PLACE}){{0,2}}),?\s+"
    rf"(?P<date>(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?)"
    r"(?:\s*\((?P<agency>[A-Za-z&. -]{2,30})\)\s*(?:--|—|–|-|:)|\s*(?:--|—|–|-|:)"
    r"|\.?\s*/(?P<wire>[A-Za-z-]{2,20})/\.?)\s"
)
# Menu separators: "Home | World", "NEWS · ANALYSIS", "Home > Metals > Uranium", "Home › Europe";
# spaced (a glued "|" too), and « » ‹ › only where no guillemet quotes open.
_SEPARATORS = re.compile(r"(?:^|(?<=\s))(?:[·•▸►→/>]|[›»](?![^«‹]*[«‹]))(?=\s|$)|\|")
_DIGIT = re.compile(r"\d")
_CELLS = re.compile(r"\s{3,}|\t")
_BULLET = re.compile(r"^(?:[•·|»›>*+→▸►–—-]|\d{1,2}[.)]\s)")
_DECOR = " -–—_*•·|=~#>»›<«‹+:"  # stripped before a line is matched against BOILERPLATE
# A full stop inside a line ("…during a training launch. — ISPR"), not after "Mr" or "Gen".
_SENTENCE_BREAK = re.compile(
    r"\w{2}(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bNo)(?<!\bLt)"
    r"(?<!\bMrs)(?<!\bGen)(?<!\bGov)(?<!\bSen)(?<!\bRep)(?<!\bCol)(?<!\bSgt)[.!?]\s+[\[(A-Z]"
)
_FUNCTION = _words(
    "a an the of to in on at for and or but as by with from into amid after over says say said "
    "is are was were be has have had will not its their his her than that this off up out "
    "before against near onto about under across"
)

# ---------------------------------------------------------------------------------------------
# Public API.


def load_file(path: Path) -> RawDocument:
    """Read a .txt, .html or .json file as a raw document whose doc_id is the file's stem."""
    data = path.read_bytes()
    if _looks_binary(data[:8192]):
        raise BadDocument("binary", f"{path.name} is not text")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadDocument("invalid_utf8", str(exc)) from exc
    fmt = FORMATS.get(path.suffix.lower(), "text")
    return RawDocument(doc_id=path.stem, format=fmt, content=content, source_path=str(path))


def parse_document(
    raw: RawDocument, *, received_at: datetime | None = None, max_bytes: int = 2_000_000
) -> Article:
    """Turn one raw document into an Article or raise BadDocument with the reason."""
    if received_at is not None and received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    received = received_at or datetime.now(UTC)
    content = _check_content(raw.content, max_bytes)
    hints = _Hints()
    fmt: str = raw.format
    if fmt == "text" and content.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        fmt = "html"  # a page sent as text: parse it as the page it is
    if fmt == "json":
        content, fmt = _read_envelope(content, hints)
        if not content.strip():
            raise BadDocument("empty", "the envelope's text is blank")
    lines = _html_lines(content, hints) if fmt == "html" else content.splitlines()
    # A yearless dateline takes its year from the arrival time only when the caller vouches
    # for it (received_at given); "now" is no evidence of when a stored page was written.
    art = _clean(lines, hints, received_at, plain=fmt != "html")
    body, spans = _join(art.paragraphs)
    if len(body.split()) < MIN_WORDS:
        raise BadDocument("no_article_text", f"{len(body.split())} words of article text")
    return Article(
        article_id=raw.doc_id,
        title=art.title,
        body=body,
        paragraphs=spans,
        captions=art.captions,
        published_at=art.published_at,
        received_at=received,
        authors=art.authors,
        source=art.source,
        url=hints.url,
        language=hints.language or _guess_language(body),
        word_count=len(body.split()),
        content_hash=content_hash(body),
    )


def content_hash(body: str) -> str:
    """Hash of the body with case, punctuation and spacing folded, so re-encodings match."""
    folded = " ".join(_WORD.findall(body.casefold()))
    return hashlib.sha256(folded.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Input checks and the envelope.


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes or many control bytes: an image, PDF or archive, not a page."""
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return len(sample) > 0 and controls / len(sample) > 0.05


def _check_content(content: str, max_bytes: int) -> str:
    """Refuse oversize, blank, binary and mis-decoded text; return the text unchanged."""
    if len(content) > max_bytes:  # at least one byte a character: no need to encode
        raise BadDocument("too_large", f"over {max_bytes} bytes")
    try:
        size = len(content.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise BadDocument("invalid_utf8", "lone surrogate in text") from exc
    if size > max_bytes:
        raise BadDocument("too_large", f"{size} bytes, over {max_bytes}")
    if not content.strip():
        raise BadDocument("empty", "no text")
    sample = content[:8192]
    if "\x00" in sample or _control_share(sample) > 0.05:
        raise BadDocument("binary", "control characters in text")
    if content.count("\ufffd") > max(10, len(content) // 100):
        raise BadDocument("invalid_utf8", "text was decoded with replacement characters")
    return content


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _read_envelope(content: str, hints: _Hints) -> tuple[str, str]:
    """Check the JSON envelope's types; fill hints; return the text or HTML inside."""
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise BadDocument("bad_envelope", f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadDocument("bad_envelope", "not a JSON object")
    for key in ("url", "title", "published_at", "text", "html"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise BadDocument("bad_envelope", f"{key} must be a string or null")
    text, html = data.get("text"), data.get("html")
    if text is None and html is None:
        raise BadDocument("bad_envelope", "neither text nor html")
    if data.get("url"):
        hints.url = data["url"].strip() or None
        hints.source = _domain(data["url"])
    if data.get("title") and data["title"].strip():
        hints.title = _norm_line(data["title"])
    if data.get("published_at"):
        stamp = _parse_iso(data["published_at"].strip())
        if stamp is None:
            raise BadDocument("bad_envelope", "published_at is not an ISO 8601 date")
        hints.published = stamp
    # Prefer the feed's own text: it is already free of page furniture.
    return (text, "text") if text is not None else (html or "", "html")


def _parse_iso(value: str) -> datetime | date | None:
    """An ISO 8601 date or datetime (or an RFC 2822 one, as RSS writes them)."""
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if len(value) <= 10 and stamp.hour == stamp.minute == 0:
        return stamp.date()  # a bare date: its time zone is the outlet's
    return stamp


# ---------------------------------------------------------------------------------------------
# HTML: selectolax (lexbor) removes furniture, then a walk turns blocks into lines.

_DROP_TAGS = (
    "script, style, noscript, template, svg, iframe, nav, aside, form, button, select, input, "
    "textarea, dialog, object, embed, canvas, [hidden], [aria-hidden=true], [role=navigation], "
    "[role=banner], [role=contentinfo], [role=complementary], [role=dialog], [role=alertdialog]"
)
_JUNK_TOKENS = _words(
    "cookie cookies consent gdpr share sharing social related recommended recommend "
    "newsletter subscribe subscription promo advert advertisement ads ad sponsored "
    "comments comment breadcrumb breadcrumbs sidebar popup modal paywall nav navbar "
    "navigation menu footer masthead toolbar tags trending popular outbrain taboola "
    "banner"
)
_BLOCKS = _words(
    "p div section article main header footer h1 h2 h3 h4 h5 h6 li ul ol blockquote "
    "pre table tr td th dl dt dd figure address hr center"
)
_TOKENS = re.compile(r"[a-z]+")


def _html_lines(html: str, hints: _Hints) -> list[str]:
    """Metadata into hints, then the main content's blocks as lines (captions into hints)."""
    tree = LexborHTMLParser(html)
    _html_metadata(tree, hints)
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    for node in tree.css("[class], [id]"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _JUNK_TOKENS.intersection(_TOKENS.findall(names.lower())):
            node.decompose()
    for node in tree.css("header, footer"):
        if node.tag == "footer" or not _inside(node, ("article", "main")):
            node.decompose()
    root = _main_node(tree)
    if root is None:
        return []
    return _walk(root, hints)


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The element that holds the article: articleBody, the largest <article>, <main>, body."""
    for selector in ("[itemprop=articleBody]", "article", "main, [role=main]"):
        nodes = tree.css(selector)
        if nodes:
            best = max(nodes, key=lambda n: sum(len(p.text()) for p in n.css("p")))
            if best.css_first("p") is not None or len(best.text(strip=True)) > 200:
                return best
    return tree.body


def _walk(root: LexborNode, hints: _Hints) -> list[str]:
    """Blocks in document order as lines; iterative, since real pages nest deep."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            lines.append("".join(buf))
            buf.clear()

    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            flush()
            continue
        if node.is_text_node:
            buf.append(node.text_content or "")
            continue
        tag = node.tag
        if tag == "figcaption":
            caption = _norm_line(node.text(separator=" "))
            if caption:
                hints.captions.append(caption)
            continue
        if tag == "br":
            flush()
            continue
        if not tag or tag.startswith(("-", "!")) or tag in ("img", "picture", "video", "audio"):
            continue
        if tag in _BLOCKS:
            flush()
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    flush()
    return lines


def _html_metadata(tree: LexborHTMLParser, hints: _Hints) -> None:
    """Title, date, authors, URL and language from meta tags and JSON-LD (envelope wins)."""

    def meta(*selectors: str) -> str | None:
        for selector in selectors:
            node = tree.css_first(selector)
            value = node.attributes.get("content") if node is not None else None
            if value and value.strip():
                return value.strip()
        return None

    ld = _json_ld(tree)
    if hints.title is None:
        title = meta('meta[property="og:title"]', 'meta[name="twitter:title"]')
        site = meta('meta[property="og:site_name"]')
        if title and site and title.endswith(site) and len(title) > len(site) + 5:
            title = re.sub(r"\s*[|–—:-]\s*$", "", title[: -len(site)])  # "Headline | Site"
        if not title and isinstance(ld.get("headline"), str):
            title = ld["headline"]
        hints.title = _norm_line(title or _html_headline(tree) or "") or None
    if hints.published is None:
        stamp = meta(
            'meta[property="article:published_time"]',
            'meta[property="og:article:published_time"]',
            'meta[name="article:published_time"]',
            'meta[itemprop="datePublished"]',
            'meta[name="pubdate"]',
            'meta[name="publishdate"]',
            'meta[name="publish-date"]',
            'meta[name="parsely-pub-date"]',
            'meta[name="sailthru.date"]',
            'meta[name="date"]',
            'meta[name="dc.date"]',
            'meta[name="DC.date.issued"]',
        )
        if stamp is None and isinstance(ld.get("datePublished"), str):
            stamp = ld["datePublished"]
        if stamp is None:
            stamp = _time_element(tree)
        hints.published = _parse_iso(stamp.strip()) if stamp else None
    author = meta('meta[name="author"]', 'meta[property="article:author"]')
    if author and "://" not in author:
        hints.authors.extend(a.strip() for a in re.split(r",| and ", author) if a.strip())
    for person in _ld_list(ld.get("author")):
        name = person.get("name") if isinstance(person, dict) else person
        if isinstance(name, str) and name.strip():
            hints.authors.append(name.strip())
    canonical = tree.css_first('link[rel="canonical"]')
    url = canonical.attributes.get("href") if canonical is not None else None
    url = url or meta('meta[property="og:url"]')
    if hints.url is None and url and url.startswith("http"):
        hints.url = url
        hints.source = hints.source or _domain(url)
    html_node = tree.css_first("html")
    lang = html_node.attributes.get("lang") if html_node is not None else None
    if lang and re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*", lang):
        hints.language = lang[:3].split("-")[0].split("_")[0].lower()


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """The first schema.org Article-like object in the page's JSON-LD, or {}."""
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = orjson.loads(node.text() or "null")
        except orjson.JSONDecodeError:
            continue
        for item in _ld_list(data.get("@graph", data) if isinstance(data, dict) else data):
            if isinstance(item, dict) and ("datePublished" in item or "headline" in item):
                return item
    return {}


def _ld_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _html_headline(tree: LexborHTMLParser) -> str | None:
    """The headline without meta tags: the <h1> the page's <title> repeats (a logo in an h1
    is not repeated there), else the <h1> inside the article, else the <title> without the
    site's name, else the first <h1> of three words or more."""
    node = tree.css_first("title")
    page_title = _norm_line(node.text()) if node is not None else ""
    page_key = _key(page_title)
    h1s = [(h, _norm_line(h.text(separator=" "))) for h in tree.css("h1")]
    for _, text in h1s:
        if len(text.split()) >= 3 and _key(text) in page_key:
            return text
    for h, text in h1s:
        if text and _inside(h, ("article", "main")):
            return text
    if page_title:
        return _site_suffix(page_title)
    return next((text for _, text in h1s if len(text.split()) >= 3), None)


def _time_element(tree: LexborHTMLParser) -> str | None:
    """A <time datetime> that dates the article: marked as the publication time, else the
    first inside the article, else the first outside lists, menus and sidebars (one in a list
    of links dates another story)."""
    for selector in (
        "time[itemprop=datePublished][datetime]",
        "time[pubdate][datetime]",
        "article time[datetime], main time[datetime]",
    ):
        node = tree.css_first(selector)
        value = node.attributes.get("datetime") if node is not None else None
        if value and value.strip():
            return value
    for node in tree.css("time[datetime]"):  # else the first one outside lists and sidebars
        if not _inside(node, ("aside", "nav", "footer", "li")):
            return node.attributes.get("datetime")
    return None


def _site_suffix(title: str) -> str:
    """'Story headline | Site' -> 'Story headline'."""
    parts = re.split(r"\s+[|–—-]\s+", title)
    return max(parts, key=len) if parts else title


# ---------------------------------------------------------------------------------------------
# The line cleaner.


@dataclass
class _Hints:
    """What is known before the lines are read (envelope, HTML meta) or learned on the way."""

    title: str | None = None
    published: datetime | date | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None
    authors: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


@dataclass
class _Cleaned:
    title: str | None
    paragraphs: list[str]
    captions: list[str]
    authors: list[str]
    published_at: datetime | None
    source: str | None


@dataclass
class _State:
    """Evidence gathered from lines that are not body text."""

    stamps: list[tuple[str, FoundDate, int]] = field(default_factory=list)  # kind, date, line
    dateline: re.Match[str] | None = None
    original_source: str | None = None
    email_domain: str | None = None
    image_host: str | None = None
    outlet_mention: str | None = None
    month_first: bool = False  # an American outlet: 03/05/2025 is March 5


def _clean(
    raw_lines: list[str], hints: _Hints, year_anchor: datetime | None, *, plain: bool
) -> _Cleaned:
    """Sort lines into title, paragraphs, captions, authors and date evidence.

    Two passes. The first sorts each line into captions, metadata (dates, bylines), furniture
    (boilerplate, menus, share bars, link lists, comment prompts) or text, and notes where the
    first sentence of the article stands. The second picks the title among the text lines above
    that sentence (the header), keeps the standfirst under it, and joins the rest into
    paragraphs. `plain` says the lines are scraped text, where runs of spaces separate the
    cells of a menu; in HTML they are only source indentation.
    """
    lines: list[str] = []
    cells: list[list[str] | None] = []
    tight: list[bool] = []  # no blank line before this one in plain text
    blank = True
    for raw in raw_lines:
        line = _norm_line(raw)
        if not line:
            blank = True
            continue
        lines.append(line)
        cells.append(_cells(raw) if plain and ("   " in raw or "\t" in raw) else None)
        tight.append(plain and not blank)
        blank = False
    state = _State(month_first=(_outlet_zone(hints.source) or "").startswith("America/"))
    captions = list(hints.captions)
    authors: list[str] = list(hints.authors)
    hint_key = _key(hints.title) if hints.title else None
    kept: list[int] = []  # indices of text lines
    menus: set[int] = set()  # indices of menu lines (they close a masthead)
    body_at: int | None = None  # position in `kept` of the article's first sentence
    listing = False  # inside a list of links (related stories, most read, tags)
    skip_next: str | None = None
    last_text = -2  # index of the last line kept as text (a wrapped line may continue it)
    for i, line in enumerate(lines):
        if skip_next is not None and line == skip_next:
            skip_next = None
            continue
        skip_next = None
        if hint_key is not None and _same_text(line, hints.title, hint_key):
            continue  # the title printed again (page title, h1, a second copy)
        image = _MD_IMAGE.match(line) if line[0] == "!" else None
        if image:
            alt = _norm_line(_MD_LINK.sub(r"\1", image["alt"]))
            if alt:
                _add_unique(captions, alt)
                skip_next = alt  # pages print the caption again under the image
            state.image_host = state.image_host or _image_host(image["url"])
            continue
        words = line.split()
        nw = len(words)
        if i + 1 < len(lines) and lines[i + 1] == line:
            skip_next = line
            if body_at is None and _headline(line, words) and not _caption_like(line, nw):
                kept.append(i)  # a headline printed twice (page title and h1)
            else:
                _add_unique(captions, line)  # a caption printed twice in a row
            continue
        if nw > 30:  # a paragraph, a long caption, a cookie notice or a sign-off
            if not line.endswith(_TERMINAL) and _CREDIT.search(line[-80:]):
                _add_unique(captions, line)
            elif not _BOILERPLATE.fullmatch(line) and not (
                nw <= 40 and "contributed" in line and _SIGN_OFF.search(line)
            ):
                listing = False
                if last_text == i - 1 and _wrapped(lines[kept[-1]], line, tight[i]):
                    lines[kept[-1]] = f"{lines[kept[-1]]} {line}"
                else:
                    kept.append(i)
                last_text = i
                body_at = len(kept) - 1 if body_at is None else body_at
            continue
        core = line.strip(_DECOR) or line
        if nw <= 30 and _comment_prompt(core):
            listing = listing or body_at is not None
            continue
        if _take_metadata(line, words, cells[i], i, state, authors, listing):
            continue
        if not _has_letters(line):
            continue
        if nw <= 7 and not _ends_sentence(core) and _LIST_HEADING.fullmatch(core):
            # a heading alone ("Related coverage:", "MOST READ") opens a list of links; a
            # label with its link ("Read more: Kim visits Moscow") is one line of furniture
            if nw <= 4 or line.endswith(":"):
                listing = listing or body_at is not None
            continue
        if _BOILERPLATE.fullmatch(core):
            continue
        if len(line) < 600 and not line.endswith(_TERMINAL) and _CREDIT.search(line[-80:]):
            _add_unique(captions, line)
            continue
        shape = _furniture_shape(line, words, cells[i])
        if shape is not None:
            if shape == "menu":
                menus.add(i)
            if body_at is None and nw <= 6:
                _outlet_mention(line, state)  # a masthead: "KYODO NEWS | English"
            continue
        if listing:
            if not _prose(line, nw):
                continue
            listing = False  # the article goes on after an inline list
        if last_text == i - 1 and _wrapped(lines[kept[-1]], line, tight[i]):
            line = lines[kept[-1]] = f"{lines[kept[-1]]} {line}"  # a hard-wrapped paragraph
            nw = len(line.split())
        else:
            kept.append(i)
        last_text = i
        if body_at is None:
            if _sentence(line, nw):
                body_at = len(kept) - 1
            elif nw >= 5 and _capitalized_run(words) and not line.endswith(_TERMINAL):
                menus.add(i)  # "Home Pakistan World Business Sport Opinion", or a headline

    header, body = (kept[:body_at], kept[body_at:]) if body_at is not None else ([], kept)
    title = hints.title
    title_at: int | None = None
    if title is None:
        title_at = _pick_title(lines, header if body_at is not None else kept, menus)
        if title_at is not None:
            title = _WIRE_TAG.sub("", lines[title_at]).strip() or lines[title_at]
            body = [j for j in body if j != title_at]
    paras: list[str] = []
    for j in header:
        if j == title_at:
            continue
        if (title_at is None or j > title_at) and _standfirst(lines[j]):
            paras.append(lines[j])  # the standfirst under the headline is article text
        elif len(lines[j].split()) <= 6 and (title_at is None or j < title_at):
            _outlet_mention(lines[j], state)
    title_key = _key(lines[title_at]) if title_at is not None else None
    for j in body:
        line = lines[j]
        if title_key is not None and _same_text(line, lines[title_at or 0], title_key):
            continue
        if _is_furniture(line, paras):
            _outlet_mention(line, state)
            continue
        if paras and _continues(paras[-1], line):
            paras[-1] = f"{paras[-1]} {line}"
            continue
        if len(paras) < 3 and state.dateline is None:
            state.dateline = _DATELINE.match(line)
        paras.append(_CF_EMAIL.sub("", line).strip() if "protected" in line else line)
    source = (
        hints.source
        or state.original_source
        or state.email_domain
        or state.image_host
        or state.outlet_mention
    )
    first_line = kept[body_at] if body_at is not None else len(lines)
    return _Cleaned(
        title=title,
        paragraphs=[p for p in paras if p],
        captions=captions,
        authors=_unique_names(authors),
        published_at=_published(hints, state, source, title_at, first_line, year_anchor),
        source=source,
    )


def _comment_prompt(line: str) -> bool:
    low = line.lower()
    return any(word in low for word in _COMMENT_WORDS) and _COMMENT_PROMPT.search(line) is not None


def _cells(raw: str) -> list[str] | None:
    """The cells of a scraped line whose items were laid out with runs of spaces."""
    parts = [p for p in (_norm_line(c) for c in _CELLS.split(raw.strip())) if p]
    return parts if len(parts) > 1 else None


def _same_text(line: str, other: str | None, other_key: str) -> bool:
    """`line` says what `other` says, up to case and punctuation (cheap length test first)."""
    return other is not None and abs(len(line) - len(other)) < 16 and _key(line) == other_key


def _take_metadata(
    line: str,
    words: list[str],
    cells: list[str] | None,
    index: int,
    state: _State,
    authors: list[str],
    listing: bool,
) -> bool:
    """Record and swallow lines that carry metadata: stamps, bylines, e-mails, sources."""
    nw = len(words)
    if line[:9].lower() == "original ":
        src = _ORIGINAL_SOURCE.match(line)
        if src:
            state.original_source = state.original_source or _domain(src["src"])
            return True
    digits = nw <= 24 and _DIGIT.search(line) is not None
    if nw <= 16 and digits:
        stamp = _date_line(line, state.month_first)
        if stamp is not None:
            if not listing:  # a date in a list of links belongs to another story
                state.stamps.append((stamp[0], stamp[1], index))
            return True
    has_mail = "@" in line or "protected]" in line.lower()
    if has_mail and nw <= 12:
        for match in _EMAIL.finditer(line):
            domain = match.group(1).lower()
            if domain not in _WEBMAIL:
                state.email_domain = state.email_domain or _strip_www(domain)
        rest = _CF_EMAIL.sub(" ", _EMAIL.sub(" ", line))
        rest = re.sub(r"^\W*(?:by\b)?|[\W_]*$", "", rest, flags=re.IGNORECASE).strip()
        authors.extend(_names(rest) or [])
        return True
    if nw <= 16 and _CREDITS_LINE.match(line):
        for part in re.split(r";", line):
            if re.match(r"\s*(reporting|writing)\s+by", part, re.IGNORECASE):
                authors.extend(_names(re.sub(r"^.*?\bby\b", "", part, flags=re.I)) or [])
        return True
    if nw <= 14 and _byline(line, authors):
        return True
    if nw <= 8 and _STAFF_LINE.match(line):
        return True
    if nw <= 40 and ("reported" in line or "contributed" in line) and _SIGN_OFF.search(line):
        return True
    parts = cells or (_split_parts(line) if _SEPARATORS.search(line) else None)
    if parts and len(parts) > 1 and nw <= 24:  # "by Shondell Ramdass | 5 min read"
        found = False
        for part in parts:
            part_words = part.split()
            stamp = _date_line(part, state.month_first) if digits else None
            if stamp is not None:
                if not listing:
                    state.stamps.append((stamp[0], stamp[1], index))
                found = True
            elif len(part_words) <= 14 and _byline(part, authors):
                found = True
        return found
    return False


def _split_parts(line: str) -> list[str]:
    return [p for p in (s.strip() for s in _SEPARATORS.split(line)) if _has_alnum(p)]


def _byline(text: str, authors: list[str]) -> bool:
    """A byline ("By X and Y", "- SEO JI-EUN", "Author: X"): its people go to `authors`."""
    match = _BYLINE.match(text) or _DASH_BYLINE.match(text)
    if match is None:
        return False
    names = _names(match["names"])
    if names is None:
        return False
    authors.extend(names)
    return True


def _date_line(line: str, month_first: bool) -> tuple[str, FoundDate] | None:
    """A line that is a date: labelled ("Published: …", "Last updated …") or bare.

    A bare line may carry a few words besides the date ("KYODO NEWS - 2025/03/25 17:40 (JST)",
    "Thursday, January 16, 2025 EN | VI"), a labelled one a few more ("Published 05/12/2024 at
    11:48 CET Reading time: 4 min"); a sentence that mentions a date is not a date line.
    """
    label = _STAMP_LABEL.match(line)
    rest = line[label.end() :] if label else line
    found = find_date(rest, month_first=month_first)
    if found is None and label is not None and label["foreign"]:
        language = _FOREIGN_LABELS.get(label["foreign"].split()[0].lower(), "en")
        found = parse_foreign(rest, language)
    if found is None:
        return None
    tail = rest[found.end :].strip()
    if line.endswith(".") and len(tail) > 1:
        return None  # a sentence that mentions a date: "Updated figures on May 3, 2025 show…"
    remainder = f"{rest[: weekday_before(rest, found.start)]} {tail}"
    if len(_ALPHA_WORD.findall(remainder)) > (8 if label else 3):
        return None
    if label is None:
        return "bare", found
    kind = (label["kind"] or label["foreign"]).lower()
    if kind in _UPDATED or kind.startswith(("mis", "akt", "actu", "agg", "обн")):
        return "updated", found
    if "print" in remainder.lower():
        return "print", found  # "Published in the print edition, February 4th, 2025"
    return "published", found


def _names(text: str) -> list[str] | None:
    """People named in a byline fragment; roles ("Beirut correspondent", "Sports Desk") are
    skipped; None when a part is neither a name nor a role (then it was no byline)."""
    text = re.sub(r"\[.*?\]|\(.*?\)", " ", text)
    text = re.sub(r"\s+(?:in|from)\s+[A-Z][\w .'’-]*$", "", text.strip())
    parts = [p.strip(" .;:-") for p in re.split(r",|&|\band\b|/", text) if p.strip(" .;:-")]
    if not parts:
        return None
    names = []
    for part in parts:
        if _ROLE.search(part):
            continue
        if not _NAME.match(part):
            return None
        names.append(_name_case(part))
    return names


def _name_case(name: str) -> str:
    """'SEO JI-EUN' -> 'Seo Ji-eun'; mixed-case names stay as written."""
    if not name.isupper():
        return " ".join(name.split())
    return " ".join(w[:1] + w[1:].lower() for w in name.split())


def _unique_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _furniture_shape(line: str, words: list[str], cells: list[str] | None) -> str | None:
    """'menu', 'share' or 'list' when the line is page furniture by its shape, else None."""
    separators = len(_SEPARATORS.findall(line))
    if separators >= 2 or (cells is not None and len(cells) >= 3):
        return "share" if _share_bar(line) else "menu"
    lead = line[0]
    if not lead.isalnum() and unicodedata.category(lead) in ("So", "Sm"):
        return "share"  # "☰ Menu", "🔔 Get alerts", "🔊 Listen to this article"
    if _share_bar(line):
        return "share"
    if line.count("#") >= 2 and sum(w.startswith("#") for w in words) >= 2:
        return "list"  # hashtags
    nw = len(words)
    if _BULLET.match(line) and nw <= 15 and not line.endswith("."):
        return "list"
    if separators == 1 or cells is not None:
        parts = cells or _split_parts(line)
        if all(len(p.split()) <= 4 for p in parts):
            return "menu"
    return None


def _share_bar(line: str) -> bool:
    """Share buttons: 'Facebook X WhatsApp Email Copy link', '[f] [x] [in] [✉]'."""
    if len(line) > 160:
        return False
    tokens = _SHARE_TOKEN.findall(line.lower())
    if not tokens or len(tokens) > 16:
        return False
    strong = sum(t in _SHARE_STRONG for t in tokens)
    weak = sum(t in _SHARE_WEAK for t in tokens)
    symbols = sum(1 for t in tokens if not t.isalnum() and not _has_alnum(t))
    if strong + weak + symbols < 0.75 * len(tokens):
        return False
    return strong >= 2 or symbols >= 3 or (strong >= 1 and strong + weak + symbols == len(tokens))


_SHARE_TOKEN = re.compile(r"[^\s\[\]()|·,:/]+")


def _capitalized_run(words: list[str]) -> bool:
    """Every word capitalized and no small word lower-case: a menu or a masthead."""
    alpha = [w for w in words if w[:1].isalpha()]
    return len(alpha) >= 3 and all(w[0].isupper() for w in alpha)


def _all_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def _headline(line: str, words: list[str]) -> bool:
    """Shaped like a headline: 3–25 words, no sentence stop, no menu separators."""
    if len(line) > 200 or line.endswith((".", ":", ";", ",")) or _SEPARATORS.search(line):
        return False
    if not (line[0].isalnum() or line[0] in "\"“‘'(["):
        return False
    alpha = sum(1 for w in words if any(c.isalpha() for c in w))
    return 3 <= alpha <= 25


def _caption_like(line: str, nw: int) -> bool:
    """A line printed twice is a caption unless it reads like a headline (no credit, one
    sentence): '…during a training launch. — ISPR', '…in Minsk. Photo: Kremlin press service'."""
    return nw > 30 or bool(_CREDIT.search(line[-80:])) or bool(_SENTENCE_BREAK.search(line))


def _pick_title(lines: list[str], candidates: list[int], menus: set[int]) -> int | None:
    """The headline among the header's text lines.

    Sentence-case or title-case lines with small words in lower case are headlines; section
    labels, site names in capitals and menus are not. The first such line wins unless a menu
    follows it before the next one (then it was a tagline or a ticker above the site's menu).
    A line in capitals or with every word capitalized is taken only when nothing else is there.
    """
    good: list[int] = []
    weak: list[int] = []
    for j in candidates:
        line = lines[j]
        words = line.split()
        if not _headline(line, words):
            continue
        if _all_caps(line):
            if len(words) >= 5 and any(w.lower() in _FUNCTION for w in words):
                weak.append(j)
        elif _capitalized_run(words):
            if len(words) >= 4:
                weak.append(j)
        else:
            good.append(j)
    for k, j in enumerate(good):
        following = good[k + 1] if k + 1 < len(good) else None
        if following is None or not any(j < m < following for m in menus):
            return j
    return weak[-1] if weak else None


def _standfirst(line: str) -> bool:
    """A standfirst (dek) under the headline: a headline-shaped line of eight words or more."""
    words = line.split()
    return (
        len(words) >= 8
        and _headline(line, words)
        and not _all_caps(line)
        and not _capitalized_run(words)
    )


def _sentence(line: str, nw: int) -> bool:
    """The article's first sentence: a line that ends like a sentence, or a long one. A short
    question or exclamation is a headline ("Can Europe defend itself without America?")."""
    if nw >= 25:
        return True
    if not _ends_sentence(line):
        return False
    if line.rstrip(_CLOSERS).endswith(("?", "!")):
        return nw >= 15
    return nw >= 6 or len(line) >= 40


def _prose(line: str, nw: int) -> bool:
    """Prose again after a list of links: a long sentence, not a headline of the list."""
    return (_ends_sentence(line) and nw >= 15) or nw >= 30


def _ends_sentence(line: str) -> bool:
    """Ends with a full stop, also inside quotes ('…he said."'); a headline that ends on a
    quoted phrase ("…in 'training launch'") does not."""
    return line.rstrip(_CLOSERS).endswith(_STOPS)


def _is_furniture(line: str, paras: list[str]) -> bool:
    """Short lines without sentence punctuation that navigation and sign-offs are made of."""
    if line.endswith(_TERMINAL):
        return False
    words = len(line.split())
    if words <= 3:
        return True
    if line[0] in "•·|»›>*+" and words <= 8:
        return True
    # "with the Korea JoongAng Daily": a lower-case fragment that continues nothing
    return line[0].islower() and words <= 8 and not (paras and not paras[-1].endswith(_TERMINAL))


def _wrapped(previous: str, line: str, tight: bool) -> bool:
    """`line` goes on with the paragraph `previous` broke off: it starts in lower case, or, with
    no blank line between them, `previous` stops on a comma or a small word ("…ended on")."""
    if len(previous) < 30 or previous.endswith(_TERMINAL):
        return False
    if line[0].islower():
        return True
    return tight and (previous.endswith(",") or previous.rsplit(None, 1)[-1].lower() in _FUNCTION)


def _continues(previous: str, line: str) -> bool:
    """A hard-wrapped paragraph: the previous line stops mid-sentence, this one goes on."""
    return len(previous) >= 30 and not previous.endswith(_TERMINAL) and line[0].islower()


def _outlet_mention(line: str, state: _State) -> None:
    low = line.lower()
    for domain, outlet_names, _ in OUTLETS:
        if any(name in low for name in outlet_names):
            state.outlet_mention = state.outlet_mention or domain
            return


def _add_unique(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _has_letters(line: str) -> bool:
    return any(c.isalpha() for c in line)


def _has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _key(line: str) -> str:
    return " ".join(_WORD.findall(line.casefold()))


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\ufffc]")


def _norm_line(line: str) -> str:
    """One line with invisible characters dropped, control characters and runs of spaces folded."""
    if not line.isascii():
        line = _INVISIBLE.sub("", unicodedata.normalize("NFC", line))
    if not line.isprintable():
        line = "".join(c if c.isprintable() else " " for c in line)
    line = " ".join(line.split())
    if "](" in line and not line.startswith("!"):
        line = _MD_LINK.sub(r"\1", line)
    return line


def _join(paragraphs: list[str]) -> tuple[str, list[Paragraph]]:
    """Join paragraphs with blank lines and record where each one sits in the result."""
    spans, pos = [], 0
    for text in paragraphs:
        spans.append(Paragraph(start=pos, end=pos + len(text)))
        pos += len(text) + 2
    return "\n\n".join(paragraphs), spans


# ---------------------------------------------------------------------------------------------
# Sources, time zones and dates.


def _domain(value: str) -> str | None:
    """Host of a URL or a bare domain, lower-cased and without 'www.'."""
    value = value.strip()
    try:
        host = urlsplit(value if "//" in value else f"//{value}").hostname
    except ValueError:  # "[" and other broken authorities
        return None
    if not host or "." not in host:
        return None
    return _strip_www(host.lower().rstrip("."))


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _image_host(url: str) -> str | None:
    host = _domain(url) if url.startswith(("http://", "https://", "//")) else None
    if host and not any(hint in host for hint in _CDN_HINTS):
        return host
    return None


def _outlet_zone(source: str | None) -> str | None:
    if source:
        for domain, _, zone_name in OUTLETS:
            if source == domain or source.endswith(f".{domain}"):
                return zone_name
    return None


def _published(
    hints: _Hints,
    state: _State,
    source: str | None,
    title_at: int | None,
    first_line: int,
    year_anchor: datetime | None,
) -> datetime | None:
    """The publication date, from the strongest evidence the page gives.

    In order: the envelope's or the page's meta date; a "Published:"/"Posted:" line; a bare
    date line between the headline and the first paragraph; a dateline with its year; a
    yearless dateline, its year from another date on the page (else from `year_anchor`, the
    arrival time a caller passed, else no date); an "Updated:" line; last, a date printed
    above the headline (a masthead's "today"), a print-edition line or a date after the text.
    The zone is the one the page states, else the outlet's, else the dateline's agency or
    city, else UTC.
    """
    outlet_zone = _outlet_zone(source)
    stamp = hints.published
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=zone(outlet_zone))
    if isinstance(stamp, date):
        return datetime(stamp.year, stamp.month, stamp.day, tzinfo=zone(outlet_zone))
    published = updated = late = None
    for kind, found, index in state.stamps:
        # a bare date above the headline is the site's "today" unless it gives the time
        above = title_at is not None and index < title_at and found.hour is None
        if kind == "published" or (kind == "bare" and not above and index < first_line):
            published = published or found
        elif kind == "updated":
            updated = updated or found
        else:
            late = late or found
    if published is not None:
        return published.resolve(None, outlet_zone)
    if state.dateline is not None:
        match = state.dateline
        dated = find_date(match["date"], yearless=True)
        place = match["place"].split(",")[0].strip().lower()
        agency = (match["agency"] or match["wire"] or "").strip().lower()
        dateline_zone = outlet_zone or DATELINE_ZONES.get(agency) or DATELINE_ZONES.get(place)
        if dated is not None and dated.year is not None:
            return dated.resolve(None, dateline_zone)
        other = updated or late
        reference = other.resolve(None, outlet_zone) if other is not None else year_anchor
        if dated is not None and reference is not None:
            when = dated.resolve(reference.year, dateline_zone)
            if when is not None and when > reference + timedelta(days=2):
                when = dated.resolve(reference.year - 1, dateline_zone)  # late last year
            if when is not None:
                return when
    for fallback in (updated, late):
        if fallback is not None:
            return fallback.resolve(None, outlet_zone)
    return None


# ---------------------------------------------------------------------------------------------
# Language: the script, then function words for Latin-script text.

_FUNCTION_WORDS = {
    "en": _words("the and of to in is that for with was on as by said"),
    "fr": _words("le la les et des est une dans pour qui que du sur"),
    "de": _words("der die das und ist nicht mit den von sich zu ein"),
    "es": _words("el la los las y que del en por con para una es"),
    "it": _words("il la che di e per con una sono del della gli"),
    "pt": _words("o a os que de do da em para com uma não"),
}
_SCRIPTS = (
    ("ko", re.compile("[\uac00-\ud7a3]")),
    ("ja", re.compile("[\u3040-\u30ff]")),
    ("zh", re.compile("[\u4e00-\u9fff]")),
    ("uk", re.compile("[їєґі]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
    ("ar", re.compile("[\u0600-\u06ff]")),
)


_ASCII = re.compile(r"[\x00-\x7f]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")


def _guess_language(text: str) -> str:
    """ISO 639-1 code by script or function words; 'und' when nothing tells."""
    sample = text[:3000]
    foreign = _ASCII.sub("", sample)  # scripts other than Latin are all outside ASCII
    if foreign:
        letters = len(_NOT_LETTER.sub("", sample)) or 1
        for code, script in _SCRIPTS:
            hits = len(script.findall(foreign))
            if hits / letters > (0.01 if code == "uk" else 0.2):
                return code
    counts = Counter(_WORD.findall(sample.lower())[:400])
    scores = {lang: sum(counts[w] for w in common) for lang, common in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 2 else "und"
