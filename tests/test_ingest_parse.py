"""The ingest parser on the seeds, on pages written for these tests, and on arbitrary input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.documents import Article, RawDocument
from services.ingest.dates import find_date
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


# Pages written for these tests in the shapes other outlets use: (file, title, published_at,
# authors, first words of the body, last words of the body, furniture that must not survive).
H = timedelta(hours=1)
OUTLET_PAGES = [
    (
        "gulf_stamp_time_first.txt",
        "Oman hosts second round of indirect talks on Red Sea shipping",
        # "First published: 14:05 GST, Sun 9 March 2025", under a masthead's "08 March 2025"
        datetime(2025, 3, 9, 14, 5, tzinfo=timezone(4 * H)),
        ["Huda Al-Mansouri"],
        "Omani mediators on Sunday began",
        "its commander told reporters last week.",
        ["THE GULF OBSERVER", "Podcasts", "Diplomacy", "Diplomatic Editor", "published", "updated",
         "WhatsApp", "Advertisement", "You might also like", "Qatar signs", "Comments", "comment",
         "Photo: Gulf Observer"],
    ),
    (
        "eu_dotted_date.txt",
        "EU Ministers Agree to Extend Sanctions on Belarus for Six Months",
        datetime(2025, 4, 7, 16, 42, tzinfo=timezone(2 * H)),  # "07.04.2025 – 16:42 CEST": 7 April
        ["Katarina Vogt"],
        "BRUSSELS — European Union foreign ministers",
        "crossing the bloc's territory.",
        ["Europa Ledger", "Politics Economy", "Login", "Security\n", "Author", "Print", "Mail",
         "Advertisement", "Read also", "Poland extends", "TAGS", "Comments are closed"],
    ),
    (
        "wire_yearless_with_update.txt",
        "China and Cambodia begin annual Golden Dragon drills near Phnom Penh",
        # "BEIJING, April 14 (Xinhua) --": the year from the page's "Updated:" line, Beijing time
        datetime(2025, 4, 14, tzinfo=timezone(8 * H)),
        [],
        "BEIJING, April 14 (Xinhua) -- Chinese and Cambodian troops",
        "not directed at any third country.",
        ["ASIA PACIFIC WIRE", "English", "Updated", "(END)", "Editor", "Related", "Ream base"],
    ),
    (
        "us_broadcaster_numeric.txt",
        "Senate panel advances bill to speed up weapons deliveries to Taiwan",
        # "Published 04/08/2025 9:14 AM EDT": an American page writes the month first
        datetime(2025, 4, 8, 9, 14, tzinfo=timezone(-4 * H)),
        ["Jordan Ellis", "Priya Raman"],
        "WASHINGTON (CapNews) — The Senate Foreign Relations Committee",
        "urged lawmakers to stop it.",
        ["CAPITOL NEWS NETWORK", "Live TV", "POLITICS", "Published", "min read", "Share this",
         "___", "reported from Washington", "contributed to this report", "MORE FROM",
         "stopgap"],
    ),
    (
        "africa_dateline_full_date.txt",
        "Kenya and Somalia agree to reopen border crossing at Mandera",
        # only a dateline dates this page: "NAIROBI, Kenya, March 12, 2025 (EAP) —", Nairobi time
        datetime(2025, 3, 12, tzinfo=timezone(3 * H)),
        [],
        "NAIROBI, Kenya, March 12, 2025 (EAP) — Kenya and Somalia agreed",
        "through informal crossings.",
        ["Independent reporting", "Lifestyle", "Search", "REGION", "Share this article",
         "Most Read", "Shilling", "Marathon"],
    ),
    (
        "blog_wrapped_title_case.txt",
        "What The Naval Drills Tell Us About Beijing's Priorities",
        datetime(2025, 3, 4, tzinfo=UTC),  # "Date: 04/03/2025": day first, no zone stated
        ["Martin Osei"],
        "Three weeks of live-fire naval drills in the waters east of Taiwan ended on Sunday, and",
        "Japan's southernmost islands.",
        ["Home", "About", "Posted by", "Tweet", "Leave a Reply", "email address", "Required",
         "Name *", "Email *", "Comment"],
    ),
    (
        "ledger_no_meta.html",
        "Finland reopens two border crossings with Russia for freight",  # the h1 <title> repeats
        datetime(2025, 5, 14, 7, 30, tzinfo=timezone(3 * H)),  # "14.05.2025 at 07:30 EEST"
        ["Eero Lindholm"],
        "HELSINKI — Finland reopened two crossings",
        "called for passenger traffic to resume.",
        ["Northern Ledger", "Home ›", "Facebook", "Email", "Published", "Read more",
         "border fence", "Estonia tightens", "Join the discussion", "rights reserved"],
    ),
    (
        "harbor_wire_jsonld.html",
        "Japan, Philippines sign deal to share radar data",  # og:title without "| Harbor Wire"
        datetime(2025, 6, 20, 18, 5, tzinfo=timezone(9 * H)),  # JSON-LD @graph datePublished
        ["Kenji Arakawa"],
        "The agreement lets Manila receive real-time feeds",  # the standfirst is article text
        "joint air-defence exercise next year.",
        ["Asia · Defence", "June 20, 2025", "Yonaguni", "More from Asia", "shuttle diplomacy",
         "Vietnam buys", "©"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "title", "published", "authors", "first", "last", "furniture"),
    OUTLET_PAGES,
    ids=[page[0] for page in OUTLET_PAGES],
)
def test_pages_of_other_outlets(
    name: str,
    title: str,
    published: datetime,
    authors: list[str],
    first: str,
    last: str,
    furniture: list[str],
) -> None:
    article = parse(PAGES / name)
    assert_consistent(article)
    assert article.title == title
    assert article.published_at == published
    assert article.published_at.utcoffset() == published.utcoffset()  # type: ignore[union-attr]
    assert article.authors == authors
    assert article.body.startswith(first)
    assert article.body.endswith(last)
    for junk in furniture:
        assert junk not in article.body, junk
    assert article.title not in article.body


def test_captions_of_other_outlets_are_kept_apart() -> None:
    gulf = parse(PAGES / "gulf_stamp_time_first.txt")
    assert gulf.captions == [
        "Delegates leave a hotel in Muscat after the first session of talks on Sunday. "
        "Photo: Gulf Observer"
    ]
    harbor = parse(PAGES / "harbor_wire_jsonld.html")
    assert harbor.captions == [
        "A coastal radar station on Yonaguni island, June 2024. Harbor Wire/File"
    ]
    assert harbor.source == "harborwire.example.net"


def test_wrapped_lines_rejoin_even_before_a_capital() -> None:
    article = parse(PAGES / "blog_wrapped_title_case.txt")
    first = article.body.split("\n\n")[0]
    assert first == (
        "Three weeks of live-fire naval drills in the waters east of Taiwan ended on Sunday, and "
        "the pattern of the exercise says more about the priorities of the People's Liberation "
        "Army than the official statements that accompanied it."
    )


def test_masthead_date_ranks_below_the_articles_own_stamp() -> None:
    # "Saturday, 08 March 2025" above the headline is the site's today, not the article's date
    article = parse(PAGES / "gulf_stamp_time_first.txt")
    assert article.published_at is not None and article.published_at.day == 9


def _page(*lines: str) -> RawDocument:
    body = (
        "The two governments agreed on Tuesday to resume talks on the disputed border, "
        "officials said after a meeting in the capital."
    )
    return RawDocument(doc_id="p", content="\n".join([*lines, "", body]))


@pytest.mark.parametrize(
    ("lines", "published"),
    [
        # a page that only says when it was updated: that date, in the zone it states
        (["Talks on border resume after a year", "Updated: 3 March 2025 10:00 GMT"],
         datetime(2025, 3, 3, 10, 0, tzinfo=UTC)),
        # published wins over updated, whatever the order
        (["Talks on border resume after a year", "Last updated 5 March 2025, 09:00 UTC+3",
          "Posted: 4 March 2025, 18:30 UTC+3"],
         datetime(2025, 3, 4, 18, 30, tzinfo=timezone(3 * H))),
        # a stamp in another language goes through dateparser, strictly
        (["Grenzgespräche werden nach einem Jahr fortgesetzt",
          "Veröffentlicht am 5. März 2025, 14:30 Uhr"],
         datetime(2025, 3, 5, 14, 30, tzinfo=UTC)),
        # nothing that could be invented from today
        (["Talks on border resume after a year", "Posted 2 hours ago"], None),
        (["Talks on border resume after a year", "Published: Tuesday"], None),
        # a sentence that mentions a date is no date line
        (["Talks on border resume after a year",
          "Updated figures released on March 3, 2025 show a rise in crossings."], None),
    ],
)  # fmt: skip
def test_date_lines(lines: list[str], published: datetime | None) -> None:
    article = parse_document(_page(*lines), received_at=RECEIVED)
    assert article.published_at == published
    if published is not None:
        assert article.published_at.utcoffset() == published.utcoffset()  # type: ignore[union-attr]
    for line in lines[1:]:
        if published is not None or "Published" in line:
            assert line not in article.body  # a date line is metadata, not text


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # a question is a headline, not the first sentence
        (["Opinion", "Can Europe defend itself without the United States?", "By Anna Keller"],
         "Can Europe defend itself without the United States?"),
        # a headline in capitals under a masthead in capitals and a menu of cells
        (["WORLD NEWS DAILY", "HOME   WORLD   ASIA   EUROPE",
          "NORTH KOREA TEST-FIRES CRUISE MISSILES OFF WEST COAST", "By Staff Reporter"],
         "NORTH KOREA TEST-FIRES CRUISE MISSILES OFF WEST COAST"),
        # a wire's update tag is not part of the headline
        (["(2nd LD) Border talks to resume next week, ministry says", "2025-03-04 10:21"],
         "Border talks to resume next week, ministry says"),
        # a tagline above the menu is not the headline
        (["Straight news from the Caucasus since 2004", "News · Politics · Economy · Sport",
          "Border talks to resume next week after a year-long pause"],
         "Border talks to resume next week after a year-long pause"),
        # section labels and a breadcrumb are not headlines either
        (["WORLD", "Home > Asia > Korea", "Middle East", "Talks on border resume after a year"],
         "Talks on border resume after a year"),
    ],
)  # fmt: skip
def test_headlines(lines: list[str], title: str) -> None:
    article = parse_document(_page(*lines), received_at=RECEIVED)
    assert article.title == title
    assert article.body.startswith("The two governments agreed on Tuesday")


def test_yearless_dateline_takes_no_year_from_the_clock() -> None:
    raw = RawDocument(
        doc_id="nodate",
        content="SEOUL, Jan. 9 (Yonhap) -- North Korea fired two cruise missiles into the "
        "Yellow Sea on Thursday, the Joint Chiefs of Staff said.",
    )
    # no other date on the page and no arrival time from the caller: no date, not "this year"
    assert parse_document(raw).published_at is None
    # with the arrival time the caller vouches for, that year (as before)
    assert parse_document(raw, received_at=RECEIVED).published_at == datetime(
        2025, 1, 9, tzinfo=KST
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11.02.2025 | 14:35", (2025, 2, 11, 14, 35, None)),  # dotted: day first
        ("16/1/2025 9:20 am", (2025, 1, 16, 9, 20, None)),
        ("05/12/2024 at 11:48 CET", (2024, 12, 5, 11, 48, "+01:00")),  # ambiguous: day first
        ("03/05/2025 10:00 EST", (2025, 3, 5, 10, 0, "-05:00")),  # an American zone: month first
        ("Updated Feb. 18, 2025 6:47 p.m. ET", (2025, 2, 18, 18, 47, "America/New_York")),
        ("KYIV NEWS - 2025/03/25 17:40 (JST)", (2025, 3, 25, 17, 40, "+09:00")),
        ("17:55 KST, Wed 19 March 2025", (2025, 3, 19, 17, 55, "+09:00")),
        ("Published in print, February 4th, 2025", (2025, 2, 4, None, 0, None)),
        ("06 Feb 2025 - 09:45 GMT", (2025, 2, 6, 9, 45, "+00:00")),
        ("March 3, 2025 at 9:15 UTC+3", (2025, 3, 3, 9, 15, "+03:00")),
        ("2025-04-02T08:15:00+02:00", (2025, 4, 2, 8, 15, "+02:00")),
    ],
)
def test_find_date(text: str, expected: tuple[object, ...]) -> None:
    found = find_date(text)
    assert found is not None
    assert (found.year, found.month, found.day, found.hour, found.minute, found.zone) == expected


def test_find_date_invents_nothing() -> None:
    assert find_date("February 30, 2025") is None
    assert find_date("March 40, 2025") is None
    assert find_date("Jan. 9") is None  # a month and day alone only in a dateline
    dateline = find_date("Jan. 9", yearless=True)
    assert dateline is not None and dateline.year is None
    assert dateline.resolve(None, "Asia/Seoul") is None  # no year given, none made up


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


def test_the_worker_dates_arrival_from_the_stream_entry_id() -> None:
    from services.ingest.app import arrival
    from services.runtime import Entry

    assert arrival(Entry("1736400000000-3", {})) == datetime(2025, 1, 9, 5, 20, tzinfo=UTC)
