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
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser
import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from schemas.documents import Article, Paragraph, RawDocument

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
}

TZ_ABBREVIATIONS = {
    "kst": _SEOUL,
    "jst": "Asia/Tokyo",
    "msk": _MOSCOW,
    "utc": "UTC",
    "gmt": "UTC",
    "cet": "Europe/Paris",
    "est": "America/New_York",
    "edt": "America/New_York",
}

# Whole lines that are page furniture, never article text (matched case-insensitively).
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
    r"advertisement|sponsored( content)?|ad",
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
)
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE), re.IGNORECASE)

# Photo credits that end a caption line: "[AFP/YONHAP]", "[NEWS1]", "TASS-Yonhap", "(AP Photo/…)".
_CREDIT = re.compile(
    r"(?:\[[A-Z0-9][A-Z0-9 .,&'/_-]{1,40}\]"
    r"|\b[A-Z][A-Za-z]+(?:[/-][A-Z][A-Za-z]+)*-Yonhap"
    r"|\((?:AP|AFP|EPA|Reuters|Getty|Yonhap|Xinhua|TASS)\b[^()]{0,60}\)"
    r"|\b(?:Yonhap|Reuters|AFP|AP|EPA|Getty Images|Xinhua|KCNA|TASS|Sputnik|Bloomberg|Newsis|News1)"
    r"|\b(?:Courtesy of|Photo by|Photo courtesy of|Korea Times photo by) [^.]{1,60})\s*$"
)

_WEBMAIL = frozenset(
    {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "naver.com", "daum.net", "proton.me"}
)
# Image hosts that say nothing about the outlet.
_CDN_HINTS = ("cloudfront", "akamai", "cdn", "wp.com", "imgur", "googleusercontent", "twimg")

# ---------------------------------------------------------------------------------------------
# Line patterns.

_TERMINAL = tuple(".!?…\"”’':;")
_WORD = re.compile(r"\w+")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_CF_EMAIL = re.compile(r"\[?\s*\[?email\s*protected\]?\s*\]?", re.IGNORECASE)
_MD_IMAGE = re.compile(r"^!\[(?P<alt>.*)\]\((?P<url>[^()\s]*)(?:\s+\"[^\"]*\")?\)$")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\((?:https?://|/)[^()\s]*\)")
_ORIGINAL_SOURCE = re.compile(r"^original source:\s*(?P<src>\S+)", re.IGNORECASE)
_STAMP = re.compile(
    r"^(?P<kind>first published|published|posted|updated|last updated|modified|date)"
    r"(?:\s+(?:on|at))?\s*[:：]?\s+(?P<date>.+)$",
    re.IGNORECASE,
)
_NAME_TOKEN = r"[A-Z][A-Za-z'’.-]*"
_NAME = re.compile(rf"^{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}}$")
_BYLINE = re.compile(r"^(?:written\s+)?by[:\s]\s*(?P<names>.+)$", re.IGNORECASE)
_DASH_BYLINE = re.compile(r"^[-–—]\s*(?P<names>[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){1,3})$")
_CREDITS_LINE = re.compile(
    r"^(?:reporting|writing|editing|additional reporting)\s+by\b", re.IGNORECASE
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_TIME = r"(?:[,\s]+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,4}\)?)?)?"
_DATE_ONLY = (
    rf"(?:\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}"
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)"
)
_DATE_LINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?P<date>{_DATE_ONLY}{_TIME})$",
    re.IGNORECASE,
)
# "SEOUL, March 19 (Yonhap) --", "MOSCOW, 18 March 2025 (AFP) —", "KYIV, Ukraine, Jan. 5 -"
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]{1,30}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?),?\s+"
    rf"(?P<date>(?:{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?))"
    r"\s*(?:\((?P<agency>[A-Za-z&. -]{2,30})\))?\s*(?:--|—|–|-)\s",
    re.IGNORECASE,
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
    received = received_at or datetime.now(UTC)
    if received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
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
    art = _clean(lines, hints, received)
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
        h1 = tree.css_first("h1")
        if not title and h1 is not None:
            title = h1.text(separator=" ")
        if not title and isinstance(ld.get("headline"), str):
            title = ld["headline"]
        if not title and tree.css_first("title") is not None:
            title = _site_suffix(tree.css_first("title").text())  # type: ignore[union-attr]
        hints.title = _norm_line(title) if title else None
    if hints.published is None:
        stamp = meta(
            'meta[property="article:published_time"]',
            'meta[itemprop="datePublished"]',
            'meta[name="pubdate"]',
            'meta[name="publishdate"]',
            'meta[name="date"]',
            'meta[name="dc.date"]',
            'meta[name="DC.date.issued"]',
        )
        if stamp is None and isinstance(ld.get("datePublished"), str):
            stamp = ld["datePublished"]
        node = tree.css_first("time[datetime]")
        if stamp is None and node is not None:
            stamp = node.attributes.get("datetime")
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

    stamp: str | None = None  # a "Published:" line's date text
    top_date: str | None = None  # a bare date line near the top
    dateline: re.Match[str] | None = None
    original_source: str | None = None
    email_domain: str | None = None
    image_host: str | None = None
    outlet_mention: str | None = None


def _clean(raw_lines: list[str], hints: _Hints, received: datetime) -> _Cleaned:
    """Sort lines into title, paragraphs, captions, authors and date evidence."""
    lines = [line for line in (_norm_line(r) for r in raw_lines) if line]
    state = _State()
    captions = list(hints.captions)
    authors: list[str] = list(hints.authors)
    title = hints.title
    title_key = _key(title) if title else None
    title_open = title is None  # still looking for a title line at the top
    paras: list[str] = []
    skip_next: str | None = None
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if skip_next is not None and line == skip_next:
            skip_next = None
            continue
        skip_next = None
        key = _key(line)
        if title_key is not None and key == title_key:
            continue  # the title printed again (page title, h1, a second copy)
        image = _MD_IMAGE.match(line)
        if image:
            alt = _norm_line(_MD_LINK.sub(r"\1", image["alt"]))
            if alt:
                _add_unique(captions, alt)
                skip_next = alt  # pages print the caption again under the image
            state.image_host = state.image_host or _image_host(image["url"])
            continue
        if nxt == line and not (title_open and not paras and _title_shaped(line)):
            _add_unique(captions, line)  # a caption printed twice in a row
            skip_next = line
            continue
        if _take_metadata(line, state, authors):
            continue
        if _BOILERPLATE.fullmatch(line) or not _has_letters(line):
            continue
        if len(line) < 600 and not line.endswith(_TERMINAL) and _CREDIT.search(line[-80:]):
            _add_unique(captions, line)
            continue
        if title_open and not paras:
            if _title_shaped(line) and len(_WORD.findall(line)) >= 3:
                title, title_key, title_open = line, key, False
                continue
            if len(line) > 120:
                title_open = False  # the text starts with a paragraph: it has no title line
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
    return _Cleaned(
        title=title,
        paragraphs=[p for p in paras if p],
        captions=captions,
        authors=_unique_names(authors),
        published_at=_published(hints, state, source, received),
        source=source,
    )


def _take_metadata(line: str, state: _State, authors: list[str]) -> bool:
    """Record and swallow lines that carry metadata: stamps, bylines, e-mails, sources."""
    src = _ORIGINAL_SOURCE.match(line)
    if src:
        state.original_source = state.original_source or _domain(src["src"])
        return True
    stamp = _STAMP.match(line)
    if stamp and len(line) < 120 and _DATE_LINE.match(_first_stamp(stamp["date"])):
        if stamp["kind"].lower() not in ("updated", "last updated", "modified"):
            state.stamp = state.stamp or _first_stamp(stamp["date"])
        return True
    if len(line) < 60 and _DATE_LINE.match(line):
        state.top_date = state.top_date or _DATE_LINE.match(line)["date"]  # type: ignore[index]
        return True
    words = len(line.split())
    has_mail = "@" in line or "protected]" in line.lower()
    if has_mail and words <= 12:
        for match in _EMAIL.finditer(line):
            domain = match.group(1).lower()
            if domain not in _WEBMAIL:
                state.email_domain = state.email_domain or _strip_www(domain)
        rest = _CF_EMAIL.sub(" ", _EMAIL.sub(" ", line))
        rest = re.sub(r"^\W*(?:by\b)?|[\W_]*$", "", rest, flags=re.IGNORECASE).strip()
        authors.extend(_names(rest))
        return True
    if words <= 16 and (_CREDITS_LINE.match(line)):
        for part in re.split(r";", line):
            if re.match(r"\s*(reporting|writing)\s+by", part, re.IGNORECASE):
                authors.extend(_names(re.sub(r"^.*?\bby\b", "", part, flags=re.IGNORECASE)))
        return True
    byline = _BYLINE.match(line) or _DASH_BYLINE.match(line)
    if byline and words <= 14:
        names = _names(byline["names"])
        if names:
            authors.extend(names)
            return True
    return False


def _first_stamp(text: str) -> str:
    """'19 Mar. 2025, 17:55 Updated: …' -> the first date only."""
    return re.split(r"\s*(?:\||updated|modified)\s*:?", text, maxsplit=1, flags=re.I)[0].strip()


def _names(text: str) -> list[str]:
    """Person names from a byline fragment, or [] when any part is not name-shaped."""
    text = re.sub(r"\[.*?\]|\(.*?\)", " ", text)
    parts = [p.strip(" .;:-") for p in re.split(r",|&|\band\b|/", text) if p.strip(" .;:-")]
    if not parts or not all(_NAME.match(p) for p in parts):
        return []
    return [_name_case(p) for p in parts]


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


def _continues(previous: str, line: str) -> bool:
    """A hard-wrapped paragraph: the previous line stops mid-sentence, this one goes on."""
    return len(previous) >= 30 and not previous.endswith(_TERMINAL) and line[0].islower()


def _title_shaped(line: str) -> bool:
    return len(line) <= 250 and len(line.split()) <= 30 and not line.endswith((".", ":", ";"))


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


def _key(line: str) -> str:
    return " ".join(_WORD.findall(line.casefold()))


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\ufffc]")
_SPACES = re.compile(r"\s+")


def _norm_line(line: str) -> str:
    """One line with invisible characters dropped, control characters and runs of spaces folded."""
    if not line.isascii():
        line = _INVISIBLE.sub("", unicodedata.normalize("NFC", line))
    if not line.isprintable():
        line = "".join(c if c.isprintable() else " " for c in line)
    line = _SPACES.sub(" ", line).strip()
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
        for domain, _, zone in OUTLETS:
            if source == domain or source.endswith(f".{domain}"):
                return zone
    return None


def _published(
    hints: _Hints, state: _State, source: str | None, received: datetime
) -> datetime | None:
    """Envelope/meta date, else a 'Published:' line, a date line near the top, a dateline."""
    zone_name = _outlet_zone(source)
    stamp = hints.published
    if isinstance(stamp, datetime):
        if stamp.tzinfo is not None:
            return stamp
        return stamp.replace(tzinfo=_zone(zone_name))
    if isinstance(stamp, date):
        return datetime(stamp.year, stamp.month, stamp.day, tzinfo=_zone(zone_name))
    text = state.stamp or state.top_date
    if text is None and state.dateline is not None:
        match = state.dateline
        place = match["place"].split(",")[0].strip().lower()
        agency = (match["agency"] or "").strip().lower()
        zone_name = zone_name or DATELINE_ZONES.get(agency) or DATELINE_ZONES.get(place)
        text = match["date"]
    if text is None:
        return None
    parsed = _parse_date(text, received.year)
    if parsed is None:
        return None
    naive, abbreviation = parsed
    zone = _zone(TZ_ABBREVIATIONS.get(abbreviation or "", zone_name))
    when = naive.replace(tzinfo=zone)
    if when > received + timedelta(days=2) and not re.search(r"\d{4}", text):
        when = when.replace(year=when.year - 1)  # a yearless dateline from late last year
    return when


@lru_cache(maxsize=64)
def _zone(name: str | None) -> tzinfo:
    """The named time zone; UTC when the outlet is unknown, so datetimes always compare."""
    return ZoneInfo(name) if name and name != "UTC" else UTC


_FORMATS = (
    "%d %b %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%b %d %Y",
    "%b %d %Y %H:%M",
    "%b %d %Y %I:%M %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)


@lru_cache(maxsize=4096)
def _parse_date(text: str, year: int) -> tuple[datetime, str | None] | None:
    """A naive datetime and a trailing zone abbreviation; strptime first, dateparser after."""
    abbreviation = None
    match = re.search(r"\(?\b([A-Z]{2,4})\)?$", text)
    if match and match.group(1).lower() in TZ_ABBREVIATIONS:
        abbreviation = match.group(1).lower()
        text = text[: match.start()].strip()
    iso = _parse_iso(text) if text[:1].isdigit() and "-" in text[:5] else None
    if isinstance(iso, datetime):
        return iso.replace(tzinfo=None), abbreviation
    if not re.search(r"\b\d{4}\b", text):
        text = f"{text} {year}"  # datelines leave out the year
    # "Mar." and "March" both become "%b"-shaped; commas and "at" go.
    simple = re.sub(r"\b([A-Za-z]{3})[a-z]*\.?", r"\1", text.replace(" at ", " "))
    simple = simple.replace(",", "").replace(" 0:", " 00:")
    for fmt in _FORMATS:
        try:
            return datetime.strptime(simple, fmt.replace(",", "")), abbreviation
        except ValueError:
            continue
    parsed = dateparser.parse(text, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False})
    return (parsed, abbreviation) if parsed else None


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
