"""The ingest parser on the seeds, on pages written for these tests, and on arbitrary input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.documents import Article, RawDocument
from services.ingest.parse import REASONS, BadDocument, load_file, parse_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {p.name[:3]: p for p in sorted((ROOT / "seeds").glob("*.txt"))}
PAGES = Path(__file__).resolve().parent / "pages"
RECEIVED = datetime(2025, 3, 25, 12, 0, tzinfo=UTC)
KST = timezone(timedelta(hours=9))

# Lines of page furniture seen in the seeds: none may survive into a body.
BOILERPLATE = [
    "Settings",
    "ⓕ font-size",
    "• +2",
    "• -1",
    "Facebook share button",
    "Kakao share button",
    "[email protected]",
    "SEO JI-EUN",
    "By Lee Hyo-jin",
    "BY CHUNG YEONG-KYO",
    "lhj@koreatimes.co.kr",
    "Published:",
    "Updated:",
    "Audio report",
    "Original Source",
    "Related Posts",
    "To write comments",
    "Standards Board Policy",
    "Top 10 Stories",
    "go top LETTER",
    "with the Korea JoongAng Daily",
    "![",
    "TASS-Yonhap",
    "[AFP/YONHAP]",
    "[NEWS1]",
]


# Pieces the property test strings together: near-misses of what the cleaner looks for.
FRAGMENTS = [
    "<p>", "</p>", "<div class='share'>", "</div>", "<script>", "By Kim Su-min",
    "Published: 19 Mar. 2025, 17:55", "SEOUL, March 19 (Yonhap) -- ", "![a](b)",
    "North Korea fired a missile.", "\n", "\n\n", "• +2", "{", '"text": ', "[AFP]",
    "March 40, 2025", "Updated: 99 Foo 2025", "x@y.z", "<figcaption>", "\x00",
]  # fmt: skip


def parse(path: Path, **kwargs: object) -> Article:
    return parse_document(load_file(path), received_at=RECEIVED, **kwargs)  # type: ignore[arg-type]


def assert_consistent(article: Article) -> None:
    """Paragraph offsets cut the body into exactly its paragraphs; captions stay out."""
    parts = article.body.split("\n\n")
    assert [article.body[p.start : p.end] for p in article.paragraphs] == parts
    assert all(part and part == part.strip() for part in parts)
    assert not set(article.captions) & set(parts)
    assert article.word_count == len(article.body.split())
    assert len(article.content_hash) == 64


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_bodies_carry_no_boilerplate(seed: str) -> None:
    article = parse(SEEDS[seed])
    assert_consistent(article)
    assert article.article_id == SEEDS[seed].stem
    lines = article.body.split("\n\n")
    for furniture in BOILERPLATE:
        assert furniture not in article.body, furniture
    for caption in article.captions:
        assert caption[:60] not in article.body
    # every paragraph is prose: ends like a sentence or is a headline-length line
    assert all(line.endswith((".", '"', "”", "?")) or len(line.split()) >= 4 for line in lines)
    assert article.title is None or article.title not in lines
    assert article.language == "en"
    assert article.word_count > 400


def test_seed_000_a_rewrite_without_title_or_date() -> None:
    article = parse(SEEDS["000"])
    assert article.title is None  # it opens with a summary paragraph, not a headline
    assert article.body.startswith("North Korean officials are engaging with Moscow")
    assert article.source == "koreajoongangdaily.joins.com"  # from "Original Source:"
    assert article.published_at is None
    assert article.authors == []


def test_seed_001_date_byline_and_captions() -> None:
    article = parse(SEEDS["001"])
    assert article.title == (
        "North Korean officials travel to Moscow ahead of possible Russia-Ukraine peace deal"
    )
    assert article.published_at == datetime(2025, 3, 19, 17, 55, tzinfo=KST)
    assert article.published_at.utcoffset() == timedelta(hours=9)  # type: ignore[union-attr]
    assert article.authors == ["Seo Ji-eun", "Chung Yeong-kyo"]
    assert article.source == "koreajoongangdaily.joins.com"
    assert article.body.startswith("Pyongyang is intensifying its diplomatic outreach")
    assert article.body.endswith("spent their entire life training for this.”")
    assert len(article.captions) == 2
    assert article.captions[0].endswith("on the phone [AFP/YONHAP]")
    assert article.captions[1].startswith("North Korean leader Kim Jong-un, right, shakes hands")


def test_seed_002_navigation_and_twice_printed_captions() -> None:
    article = parse(SEEDS["002"])
    assert article.title == "N. Korea-Russia relations strengthen despite Ukraine peace talks"
    assert article.authors == ["Lee Hyo-jin"]
    assert article.source == "koreatimes.co.kr"  # from the reporter's e-mail address
    assert article.published_at is None  # the text gives no publication date
    assert len(article.captions) == 3
    assert all(c.endswith("TASS-Yonhap") for c in article.captions)
    assert article.paragraphs[1].start > 0
    assert article.body.split("\n\n")[1].startswith("North Korea and Russia's partnership")


def test_seed_003_title_printed_twice() -> None:
    article = parse(SEEDS["003"])
    assert article.title is not None
    assert article.title.startswith("Kremlin’s Outreach to Pyongyang")
    assert article.title not in article.body
    assert article.body.startswith("North Korean leader Kim Jong Un met with Russian Minister")
    assert article.body.endswith("amid international pressure.")
    assert article.authors == []


def test_seed_004_title_summary_and_source() -> None:
    article = parse(SEEDS["004"])
    assert article.title == (
        "Russian Security Official’s Visit to North Korea amid Ongoing Ukraine Conflict"
    )
    assert article.source == "thejournal.ie"
    assert article.body.startswith("Sergei Shoigu, a top Russian security official")


def test_html_page_with_scripts_nav_cookies_and_footer() -> None:
    article = parse(PAGES / "frigate_visit.html")
    assert_consistent(article)
    assert article.title == "Russian frigate docks at Wonsan ahead of joint naval drills"
    assert article.published_at == datetime(2025, 4, 2, 6, 15, tzinfo=UTC)
    assert article.authors == ["Mara Lindqvist"]
    assert article.url == "https://www.harbourwatch.example.org/asia/2025/04/02/frigate-wonsan"
    assert article.source == "harbourwatch.example.org"
    assert article.captions == [
        "A Russian Pacific Fleet frigate in an archive photo from 2021. Harbour Watch archive"
    ]
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("A Russian Pacific Fleet frigate tied up at")
    assert "in more than three decades" in paragraphs[0]  # inline <em> kept in the sentence
    for junk in ("cookies", "Accept", "Search", "Opinion", "Advertisement", "Related", "Sign up",
                 "Tags:", "©", "Privacy", "dataLayer", "Share on", "By Mara"):  # fmt: skip
        assert junk not in article.body, junk


def test_plain_text_page_sent_as_text_is_parsed_as_html() -> None:
    html = (PAGES / "frigate_visit.html").read_text()
    article = parse_document(RawDocument(doc_id="x", format="text", content=html))
    assert article.title == "Russian frigate docks at Wonsan ahead of joint naval drills"
    assert "<p>" not in article.body


def test_wire_dateline_without_year_and_wrapped_lines() -> None:
    article = parse(PAGES / "wire_dateline.txt")
    assert_consistent(article)
    assert article.title == "Japan scrambles jets as Russian bombers fly near Hokkaido"
    # "TOKYO, Jan. 7 (Kyodo) --": the year is the one the article was received in, Tokyo time
    assert article.published_at == datetime(2025, 1, 7, tzinfo=timezone(timedelta(hours=9)))
    assert article.authors == ["Aiko Tanaka"]
    assert "Editing by" not in article.body
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 3
    assert "followed a route that crossed the air defense" in paragraphs[1]


def test_yearless_dateline_from_late_last_year() -> None:
    raw = RawDocument(
        doc_id="dec",
        content="SEOUL, Dec. 30 (Yonhap) -- North Korea fired two cruise missiles into the "
        "Yellow Sea on Monday, the Joint Chiefs of Staff said.",
    )
    article = parse_document(raw, received_at=datetime(2026, 1, 2, tzinfo=UTC))
    assert article.published_at == datetime(2025, 12, 30, tzinfo=KST)


def test_dateline_with_full_date_and_agency() -> None:
    article = parse(PAGES / "moscow_dateline.txt")
    assert article.published_at == datetime(2025, 3, 18, tzinfo=timezone(timedelta(hours=3)))
    assert article.body.startswith("MOSCOW, 18 March 2025 (TASS) — Russian and Turkish")


def test_json_envelope_with_text_wins_over_guesses() -> None:
    article = parse(PAGES / "envelope_text.json")
    assert_consistent(article)
    assert article.title == "Drone strike sets refinery ablaze in southern Russia"
    assert article.published_at == datetime(2025, 5, 6, 4, 30, tzinfo=UTC)
    assert article.url == "https://www.example-news.test/world/2025/05/06/drone-strike-refinery"
    assert article.source == "example-news.test"
    assert article.body.count("\n\n") == 1  # repeated title, "Share" and "Related Posts" gone


def test_json_envelope_with_html_and_a_bare_date() -> None:
    article = parse(PAGES / "envelope_html.json")
    assert_consistent(article)
    assert article.title == "Ukraine and Russia swap prisoners of war"
    assert article.published_at == datetime(2025, 6, 1, tzinfo=UTC)
    assert article.source == "news.example.test"
    assert "Home" not in article.body and "Copyright" not in article.body


def test_envelope_date_without_offset_takes_the_outlets_zone() -> None:
    envelope = {
        "url": "https://www.koreatimes.co.kr/x",
        "published_at": "2025-03-19T17:55:00",
        "text": "North Korea launched a ballistic missile toward the East Sea on Wednesday.",
    }
    raw = RawDocument(doc_id="kt", format="json", content=orjson.dumps(envelope).decode())
    assert parse_document(raw).published_at == datetime(2025, 3, 19, 17, 55, tzinfo=KST)


def test_stable_id_and_hash() -> None:
    first, again = parse(SEEDS["002"]), parse(SEEDS["002"])
    assert first.article_id == again.article_id == "002_2b44a896745bf219"
    assert first.content_hash == again.content_hash
    assert first.content_hash != parse(SEEDS["003"]).content_hash


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("whitespace.txt", "empty"),
        ("latin1.txt", "invalid_utf8"),
        ("image.txt", "binary"),
        ("envelope_wrong_types.json", "bad_envelope"),
        ("no_article.html", "no_article_text"),
    ],
)
def test_bad_pages(name: str, reason: str) -> None:
    with pytest.raises(BadDocument) as caught:
        parse(PAGES / name)
    assert caught.value.reason == reason


def test_over_the_size_limit() -> None:
    with pytest.raises(BadDocument) as caught:
        parse(SEEDS["001"], max_bytes=2_000)
    assert caught.value.reason == "too_large"
    # multi-byte text: 700 characters are 1,500 bytes
    raw = RawDocument(doc_id="k", content="북한 " * 100 + "é" * 400)
    with pytest.raises(BadDocument, match="too_large"):
        parse_document(raw, max_bytes=1_499)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "empty"),
        ("{not json", "bad_envelope"),
        ("[1, 2]", "bad_envelope"),
        ('{"url": null, "title": "t"}', "bad_envelope"),
        ('{"text": "Some words here and there.", "published_at": 20250319}', "bad_envelope"),
        ('{"text": "Some words here and there.", "published_at": "yesterday"}', "bad_envelope"),
        ('{"text": "   "}', "empty"),
        ('{"html": "<p>Hi</p>"}', "no_article_text"),
    ],
)
def test_bad_envelopes(content: str, reason: str) -> None:
    with pytest.raises(BadDocument) as caught:
        parse_document(RawDocument(doc_id="e", format="json", content=content))
    assert caught.value.reason == reason


def test_lone_surrogates_and_control_characters() -> None:
    with pytest.raises(BadDocument, match="invalid_utf8"):
        parse_document(RawDocument(doc_id="s", content="North Korea \ud800 fired a missile."))
    with pytest.raises(BadDocument, match="binary"):
        parse_document(RawDocument(doc_id="b", content="\x01\x02\x03\x04 abc" * 50))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["text", "html", "json"]),
    content=st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
        st.lists(st.sampled_from(FRAGMENTS)).map("".join),
        st.dictionaries(
            st.sampled_from(["url", "title", "published_at", "text", "html"]),
            st.one_of(st.none(), st.text(), st.integers(-(2**63), 2**63 - 1), st.booleans()),
        ).map(lambda d: orjson.dumps(d).decode()),
    ),
)
def test_parser_raises_nothing_but_bad_document(fmt: str, content: str) -> None:
    raw = RawDocument(doc_id="h", format=fmt, content=content)  # type: ignore[arg-type]
    try:
        article = parse_document(raw, received_at=RECEIVED, max_bytes=5_000)
    except BadDocument as exc:
        assert exc.reason in REASONS
    else:
        assert_consistent(article)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("북한이 러시아에 대표단을 파견했다고 조선중앙통신이 수요일 보도했다.", "ko"),
        ("Северная Корея направила делегацию в Москву, сообщило агентство в среду.", "ru"),
        ("La Corée du Nord a envoyé une délégation à Moscou, selon les médias de l'État.", "fr"),
        ("North Korea sent a delegation to Moscow on Wednesday, state media said.", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    article = parse_document(RawDocument(doc_id="l", content=f"{text}\n{text}x"))
    assert article.language == language
