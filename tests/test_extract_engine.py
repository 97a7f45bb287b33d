"""The extractor on the seeds and on our own short articles (tests/articles)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from schemas.documents import Article
from schemas.events import Event
from services.extract.extractor import extract_article, extract_articles
from services.extract.pipeline import FALLBACK_MODEL, load_nlp, resolve_model
from services.ingest.parse import load_file, parse_document

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((Path(__file__).resolve().parent / "articles").glob("*.json"))
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@lru_cache(maxsize=1)
def shared_nlp() -> Language:
    """The pipeline, loaded once per test session whichever test file asks first."""
    return load_nlp("en_core_web_sm")


@pytest.fixture(scope="session")
def nlp() -> Language:
    return shared_nlp()


def article_from(path: Path) -> Article:
    """One of our test articles: body, captions, publication date and source as JSON."""
    data = json.loads(path.read_text("utf-8"))
    return Article(
        article_id=path.stem,
        body=data["body"],
        captions=data.get("captions", []),
        published_at=data.get("published_at"),
        source=data.get("source"),
        received_at=datetime.now(UTC),
        content_hash=hashlib.sha256(data["body"].encode()).hexdigest(),
    )


def expected_for(path: Path) -> list[dict[str, Any]]:
    lines = path.with_suffix(".expected.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def fits(event: Event, want: dict[str, Any]) -> bool:
    got = event.model_dump(mode="json")
    for key, value in want.items():
        have = got.get(key)
        if isinstance(value, list) and isinstance(have, list) and key != "participants":
            if sorted(value) != sorted(have):
                return False
        elif have != value:
            return False
    return True


def assert_exactly(events: list[Event], wanted: list[dict[str, Any]]) -> None:
    """Each wanted event fits one of `events` of its own, and no event is left over."""
    unmatched = list(events)
    for want in wanted:
        match = next((e for e in unmatched if fits(e, want)), None)
        assert match is not None, (want, [e.model_dump(mode="json") for e in events])
        unmatched.remove(match)
    assert not unmatched, [e.model_dump(mode="json") for e in unmatched]


@pytest.fixture(scope="session")
def seed_events(nlp: Language) -> dict[str, list[Event]]:
    articles = [parse_document(load_file(p)) for p in SEEDS]
    return {
        a.article_id: evs for a, evs in zip(articles, extract_articles(nlp, articles), strict=True)
    }


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_own_articles(nlp: Language, path: Path) -> None:
    article = article_from(path)
    # Precision too: nothing beyond what the article says (distractors give no event at all).
    assert_exactly(extract_article(nlp, article), expected_for(path))


def test_there_are_enough_own_articles() -> None:
    assert len(ARTICLES) >= 20
    assert sum(1 for p in ARTICLES if not expected_for(p)) >= 4


def test_evidence_points_into_the_body(nlp: Language, seed_events: dict[str, list[Event]]) -> None:
    articles = {p.stem: parse_document(load_file(p)) for p in SEEDS}
    total = 0
    for article_id, events in seed_events.items():
        article = articles[article_id]
        for event in events:
            text = article.body if not event.caption else None
            if text is None:
                assert any(event.sentence in c for c in article.captions)
                continue
            assert text[event.span[0] : event.span[1]] == event.sentence
            assert event.sentence == event.sentence.strip()
            assert event.event_id and event.cameo and event.plover
            assert 0 < event.confidence <= 1
            total += 1
    assert total > 30


def test_event_ids_are_deterministic_and_unique(
    nlp: Language, seed_events: dict[str, list[Event]]
) -> None:
    article = parse_document(load_file(SEEDS[4]))
    again = extract_article(nlp, article)
    assert [e.event_id for e in again] == [e.event_id for e in seed_events[article.article_id]]
    assert len({e.event_id for e in again}) == len(again)
    assert all(e.fused_id is None and e.sources == [] for e in again)


def test_seed_troop_quantities(seed_events: dict[str, list[Event]]) -> None:
    troops = {
        (e.troops_min, e.troops_max, e.additional, e.modality)
        for e in seed_events["004_d380d26159340064"]
        if e.type == "troop_deployment"
    }
    assert troops == {(10000, 12000, False, "asserted"), (1000, 3000, True, "reported")}
    alleged = [e for e in seed_events["003_dd7a297edacd406f"] if e.type == "troop_deployment"]
    assert [(e.troops_min, e.troops_max, e.modality) for e in alleged] == [(10000, None, "alleged")]


def test_seed_officials_and_short_names(seed_events: dict[str, list[Event]]) -> None:
    shoigu = [
        e
        for e in seed_events["002_2b44a896745bf219"]
        if e.type == "delegation_visit" and e.leader == "Sergei Shoigu"
    ]
    assert shoigu and shoigu[0].origin == "RUS" and shoigu[0].destination == "PRK"
    assert shoigu[0].leader_title == "Security Council Secretary"
    assert shoigu[0].place == "Pyongyang"
    meeting = next(e for e in seed_events["002_2b44a896745bf219"] if e.type == "meeting")
    assert set(meeting.participants) == {"Sergei Shoigu", "Kim Jong-un"}  # "Shoigu met with"


def test_seed_dates_resolve_against_publication(seed_events: dict[str, list[Event]]) -> None:
    events = seed_events["001_36ff3467078243c8"]
    visits = {e.leader: e for e in events if e.type == "delegation_visit"}
    if parse_document(load_file(SEEDS[1])).published_at is None:
        pytest.skip("the parser does not read this seed's publication date")
    assert visits["Yun Jong-ho"].occurred_on == "2025-03-18"  # "the previous day"
    assert visits["Jon Sol-ryong"].occurred_on == "2025-03-17"  # "on Monday"
    assert visits["Andrey Rudenko"].occurred_on == "2025-03-15"  # "on Saturday"
    assert visits["Yun Jong-ho"].modality == "reported"
    deployment = next(e for e in events if e.type == "troop_deployment")
    assert deployment.occurred_on == "2024-10"


def test_undated_articles_never_invent_dates(nlp: Language) -> None:
    article = article_from(ARTICLES[0]).model_copy(update={"published_at": None})
    article = article.model_copy(update={"body": "Kim Jong Un met Vladimir Putin on Tuesday."})
    events = extract_article(nlp, article)
    assert events and all(e.occurred_on is None for e in events)


def test_captions_are_marked_and_point_into_the_caption(nlp: Language) -> None:
    path = next(p for p in ARTICLES if p.stem == "laos_china_caption")
    article = article_from(path)
    (event,) = extract_article(nlp, article)
    assert event.caption
    caption = article.captions[0]
    assert caption[event.span[0] : event.span[1]] == event.sentence


def test_batch_equals_one_by_one(nlp: Language) -> None:
    articles = [article_from(p) for p in ARTICLES[:6]]
    batched = extract_articles(nlp, articles, batch_size=2)
    single = [extract_article(nlp, a) for a in articles]
    assert batched == single


def test_pipeline_components(nlp: Language) -> None:
    assert "lemmatizer" not in nlp.pipe_names
    for name in ("eventwatch_gazetteer_v1", "eventwatch_triggers_v1", "eventwatch_paragraphs_v1"):
        assert name in nlp.pipe_names
    assert nlp.pipe_names.index("eventwatch_paragraphs_v1") < nlp.pipe_names.index("parser")


def test_missing_stock_model_falls_back() -> None:
    import importlib.util

    if importlib.util.find_spec("en_core_web_sm") is None:
        assert resolve_model("en_core_web_sm") == FALLBACK_MODEL
    assert resolve_model("en_core_web_md") == "en_core_web_md"


def events_of(
    nlp: Language, body: str, published: str | None = "2025-06-11", kind: str | None = None
) -> list[Event]:
    """The events of one invented article body (only those of type `kind`, if given)."""
    article = Article(
        article_id="invented",
        body=body,
        captions=[],
        published_at=published,
        source=None,
        received_at=datetime.now(UTC),
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
    )
    events = extract_article(nlp, article)
    return events if kind is None else [e for e in events if e.type == kind]


def test_a_club_or_company_name_is_nobody(nlp: Language) -> None:
    body = (
        "A 30-strong delegation from Argentine club Atletico Rio Claro arrived in Seoul on "
        "Friday to begin a ten-day tour of South Korea.\n\n"
        "Rio Claro's last visit to South Korea ended in a draw in 2019."
    )
    assert events_of(nlp, body, kind="delegation_visit") == []


def test_a_name_takes_no_country_from_the_sentence_before(nlp: Language) -> None:
    body = (
        "The base lies 300 kilometres from Venezuela.\n\n"
        "General Marcus Holloway, head of US Southern Command, arrived in Bogota on Monday."
    )
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(v.origin, v.destination, v.leader) for v in visits] == [
        ("USA", "COL", "Marcus Holloway")
    ]


def test_a_pronoun_tester_is_the_speaker_above_it(nlp: Language) -> None:
    body = (
        "Iran's Revolutionary Guards on Friday rejected Israeli reports that it had "
        "conducted a failed test of a cruise missile near Bandar Abbas.\n\n"
        "Separately, India's DRDO said it had test-fired a ballistic missile off the coast on "
        "Thursday."
    )
    tests = {(e.country, e.modality) for e in events_of(nlp, body) if e.type == "weapons_test"}
    assert tests == {("IRN", "negated"), ("IND", "reported")}


def test_an_exercise_held_by_the_subject_of_its_relative_clause(nlp: Language) -> None:
    body = (
        "Greece and Egypt signed a defence memorandum in Cairo on Tuesday.\n\n"
        "The signing follows the Medusa naval exercise, which the two navies held off Crete "
        "last month."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name, e.occurred_on) for e in drills] == [
        (["EGY", "GRC"], "Medusa", "2025-05")
    ]


def test_a_codename_does_not_take_the_exercise_date(nlp: Language) -> None:
    body = (
        "Polish and Lithuanian troops held their first joint exercise, codenamed Iron Gate, "
        "near Suwalki in March."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [e.occurred_on for e in drills] == ["2025-03"]


def test_naval_drills_mistagged_as_a_verb_still_count(nlp: Language) -> None:
    body = "Egypt held its annual Sea Falcon naval drills with Greece and Cyprus in May."
    drills = events_of(nlp, body, kind="military_exercise")
    assert [sorted(e.countries) for e in drills] == [["CYP", "EGY", "GRC"]]


def test_an_exercise_alongside_other_forces(nlp: Language) -> None:
    body = (
        "Dutch marines took part in the Cold Response exercise in Norway in March alongside "
        "British and Canadian troops."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [sorted(e.countries) for e in drills] == [["CAN", "GBR", "NLD"]]


def test_is_to_plans(nlp: Language) -> None:
    body = "Under the deal, France is to supply howitzers to the Moldovan army, officials said."
    transfers = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination, e.modality) for e in transfers] == [("FRA", "MDA", "planned")]


def test_taking_delivery_receives(nlp: Language) -> None:
    body = "Hungary took delivery of Swedish Gripen fighter jets in 2008."
    transfers = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination, e.occurred_on) for e in transfers] == [("SWE", "HUN", "2008")]


def test_a_delegation_leader_belongs_to_the_delegation(nlp: Language) -> None:
    body = (
        "A Kenyan delegation led by Cabinet Secretary Amos Wekesa arrived in Kampala on "
        "Monday.\n\nWekesa is scheduled to leave Kampala for Kigali on Thursday."
    )
    visits = {
        (e.origin, e.destination, e.leader)
        for e in events_of(nlp, body)
        if e.type == "delegation_visit"
    }
    assert visits == {("KEN", "UGA", "Amos Wekesa"), ("KEN", "RWA", "Amos Wekesa")}


def test_a_tour_of_several_legs_fills_no_destination(nlp: Language) -> None:
    body = (
        "Austrian Chancellor Karl Brenner arrived in Prague on Sunday for a two-day visit.\n\n"
        "Brenner is expected to travel on to Bratislava on Tuesday to meet Slovak leaders."
    )
    visits = {
        (e.destination, e.occurred_on) for e in events_of(nlp, body) if e.type == "delegation_visit"
    }
    assert ("CZE", "2025-06-08") in visits
    assert ("SVK", "2025-06-17") in visits


@pytest.mark.parametrize(
    "sentence",
    [
        "Chile and Spain signed an agreement on Friday for 12 Eurofighter jets.",
        "Chile and Spain signed an agreement on Friday to build a gas pipeline.",
    ],
)
def test_an_agreement_for_goods_is_a_deal(nlp: Language, sentence: str) -> None:
    deals = events_of(nlp, sentence, kind="agreement")
    assert [(sorted(e.parties), e.agreement_kind) for e in deals] == [(["CHL", "ESP"], "deal")]


def test_one_leaders_visit_told_twice_is_one_visit(nlp: Language) -> None:
    body = (
        "A Ghanaian delegation led by Foreign Minister Kwame Asante arrived in Abuja on "
        "Monday.\n\nAsante met his Nigerian counterparts in Abuja on Tuesday for talks on "
        "defence cooperation."
    )
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination, e.occurred_on) for e in visits] == [
        ("GHA", "NGA", "2025-06-09")
    ]


def test_two_leaders_discussing_is_a_meeting(nlp: Language) -> None:
    body = (
        "French President Emmanuel Macron and German Chancellor Friedrich Merz discussed the "
        "summit by telephone on Monday, the Elysee said."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.countries), e.format) for e in meetings] == [(["DEU", "FRA"], "phone")]


def test_one_leader_discussing_a_topic_is_no_meeting(nlp: Language) -> None:
    body = "French President Emmanuel Macron discussed the German budget on Monday."
    assert events_of(nlp, body, kind="meeting") == []


def test_troops_flown_to_a_known_region_go_to_its_country(nlp: Language) -> None:
    body = (
        "Australia and Japan are observing the drills.\n\n"
        "About 1,500 US Marines have been flown to northern Mindanao for the exercise, "
        "according to a US spokesperson."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min) for e in moves] == [("USA", "PHL", 1500)]


def test_a_partner_named_in_apposition_to_an_office(nlp: Language) -> None:
    body = (
        "Indonesian Defence Minister Sjafrie Sjamsoeddin held talks on Tuesday with the "
        "commander of Australia's armed forces, Admiral David Johnston."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), sorted(e.countries)) for e in meetings] == [
        (["David Johnston", "Sjafrie Sjamsoeddin"], ["AUS", "IDN"])
    ]


def test_progress_reviewed_with_a_partner_in_a_video_conference(nlp: Language) -> None:
    body = (
        "Brazilian President Luiz Inacio Lula da Silva reviewed the costs of the railway with "
        "Peruvian President Dina Boluarte in a video conference on Monday."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.countries), e.format) for e in meetings] == [(["BRA", "PER"], "video")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Slovakia's new Leopard tanks, bought from Germany under a 2023 order, are due to "
            "be delivered next spring.",
            [("DEU", "SVK", "planned")],
        ),
        (
            "Engineers inspected the radar systems which China delivered to Serbia last year.",
            [("CHN", "SRB", "asserted")],
        ),
    ],
)
def test_goods_of_a_raising_verb_or_a_relative_clause_are_delivered(
    nlp: Language, body: str, expected: list[tuple[str, str, str]]
) -> None:
    transfers = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination, e.modality) for e in transfers] == expected


def test_the_maker_of_the_goods_is_not_their_recipient(nlp: Language) -> None:
    body = (
        "UN monitors say Ethiopia has been supplying militias in Somalia with Israeli-made drones."
    )
    transfers = events_of(nlp, body, kind="arms_transfer")
    assert all(e.destination != "ISR" for e in transfers)


def test_each_conjoined_sender_sends_its_own_troops(nlp: Language) -> None:
    body = "Ghana and Senegal have sent 300 peacekeepers each to Liberia."
    moves = events_of(nlp, body, kind="troop_deployment")
    assert sorted((e.origin, e.destination) for e in moves) == [("GHA", "LBR"), ("SEN", "LBR")]


def test_a_sender_naming_no_place_sends_to_the_place_of_the_story(nlp: Language) -> None:
    body = (
        "The UN stabilisation force in Somalia is short of troops.\n\n"
        "Burundi and Uganda each contributed a battalion last year. Djibouti dispatched about "
        "400 military police in April."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert sorted((e.origin, e.destination) for e in moves) == [
        ("BDI", "SOM"),
        ("DJI", "SOM"),
        ("UGA", "SOM"),
    ]


def test_taking_part_in_an_exercise_named_after_it(nlp: Language) -> None:
    body = (
        "Marines from Chile and Peru took part in an exercise code-named Pacific Condor off "
        "Arica in April."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name) for e in drills] == [(["CHL", "PER"], "Pacific Condor")]


def test_two_forces_named_earlier_in_the_same_sentence(nlp: Language) -> None:
    body = (
        "Seoul gave three corvettes to Manila in 2022 and since then the two navies have staged "
        "a joint rescue exercise off Subic Bay every spring."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [sorted(e.countries) for e in drills] == [["KOR", "PHL"]]


def test_a_relative_pronoun_subject_is_its_antecedent(nlp: Language) -> None:
    body = (
        "The deal was championed by German Chancellor Friedrich Merz, who paid an official "
        "visit to Ottawa in April."
    )
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination, e.leader) for e in visits] == [
        ("DEU", "CAN", "Friedrich Merz")
    ]


def test_the_possessor_of_an_invitation_invites(nlp: Language) -> None:
    body = (
        "Brazilian President Lula da Silva will be in Luanda next week at Angolan President "
        "Joao Lourenco's invitation."
    )
    invites = events_of(nlp, body, kind="invitation")
    assert [(e.origin, e.destination) for e in invites] == [("AGO", "BRA")]


@pytest.mark.parametrize(
    "body",
    [
        "Brazil and Sweden agreed to add four frigates to the Brazilian fleet.",
        "Brazil and Sweden signed a trade agreement in Stockholm on Wednesday.",
    ],
)
def test_agreeing_on_goods_or_trade_is_a_deal(nlp: Language, body: str) -> None:
    deals = events_of(nlp, body, kind="agreement")
    assert [(sorted(e.parties), e.agreement_kind) for e in deals] == [(["BRA", "SWE"], "deal")]


def test_a_pronoun_sender_in_reported_speech_is_the_speaker(nlp: Language) -> None:
    body = "Norway announced that it was sending a company of 200 to 300 soldiers to Latvia."
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min, e.troops_max) for e in moves] == [
        ("NOR", "LVA", 200, 300)
    ]


def test_one_due_to_be_received_meets_the_host(nlp: Language) -> None:
    body = (
        "Kenyan Foreign Minister Musalia Mudavadi arrived in Accra on Monday. On Wednesday he "
        "is due to be received by Ghanaian President John Mahama at Jubilee House."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [sorted(e.participants) for e in meetings] == [["John Mahama", "Musalia Mudavadi"]]


def test_troops_due_to_arrive_come_to_the_place_of_the_story(nlp: Language) -> None:
    body = (
        "NATO's spring exercise opened in eastern Romania on Monday.\n\n"
        "A further 900 French paratroopers are expected to arrive over the weekend."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min) for e in moves] == [("FRA", "ROU", 900)]


def test_a_major_city_other_than_the_capital_names_its_country(nlp: Language) -> None:
    body = "Chilean President Gabriel Boric will fly to Shanghai on Thursday for a trade fair."
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination, e.place) for e in visits] == [("CHL", "CHN", "Shanghai")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Mexican President Claudia Sheinbaum has been invited to watch Canada's anniversary "
            "fireworks over Ottawa.",
            ("CAN", "MEX"),
        ),
        (
            "Greek Foreign Minister George Gerapetritis used the press conference to invite "
            "Egyptian Foreign Minister Badr Abdelatty to a ministerial forum next year.",
            ("GRC", "EGY"),
        ),
    ],
)
def test_invited_to_attend_a_hosts_event_or_by_the_subject_above(
    nlp: Language, body: str, expected: tuple[str, str]
) -> None:
    invites = events_of(nlp, body, kind="invitation")
    assert [(e.origin, e.destination) for e in invites] == [expected]


def test_the_two_leaders_are_the_two_named_before(nlp: Language) -> None:
    body = (
        "Tunisian President Kais Saied greeted Libyan presidential council head Mohamed "
        "al-Menfi at Tunis airport.\n\n"
        "The two men met again for two hours the next morning."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [sorted(e.participants) for e in meetings] == [["Kais Saied", "Mohamed al-Menfi"]]


def test_a_topic_discussed_is_not_where_the_talks_were(nlp: Language) -> None:
    body = (
        "Kenyan President William Ruto arrived in Kampala on Monday.\n\n"
        "Ruto was received by President Yoweri Museveni at State House, and the two leaders "
        "discussed the security situation in Juba."
    )
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination) for e in visits] == [("KEN", "UGA")]


def test_it_continues_a_country_subject(nlp: Language) -> None:
    body = (
        "Romania, whose air force still flies ageing MiGs, has rearmed since Russia invaded "
        "Ukraine.\n\nLast year it signed a contract with the United States for 32 F-35 jets."
    )
    deals = events_of(nlp, body, kind="agreement")
    assert [sorted(e.parties) for e in deals] == [["ROU", "USA"]]


def test_it_is_the_ministry_of_its_country(nlp: Language) -> None:
    body = (
        "Thailand's air force said on Friday that it would buy four more fighter jets from Sweden."
    )
    transfers = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination, e.modality) for e in transfers] == [("SWE", "THA", "planned")]


def test_its_is_the_country_subject_before_it(nlp: Language) -> None:
    body = (
        "Colombia denied on Monday that its soldiers had crossed into Ecuador.\n\n"
        "Chad's army said its troops would arrive in Niger next week.\n\n"
        "The shipping company said its trucks had entered Mali."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.modality) for e in moves] == [
        ("COL", "ECU", "negated"),
        ("TCD", "NER", "planned"),
    ]


def test_troops_opening_a_drill_hold_it(nlp: Language) -> None:
    body = "Troops from India and Egypt opened a joint desert exercise near Jaisalmer on Sunday."
    drills = events_of(nlp, body, kind="military_exercise")
    assert [sorted(e.countries) for e in drills] == [["EGY", "IND"]]


def test_the_two_armies_across_a_short_aside(nlp: Language) -> None:
    body = (
        "Morocco and Senegal signed a defence cooperation accord in Rabat on Monday.\n\n"
        '"This is not about any third country," he said.\n\n'
        "Officers were cautious.\n\n"
        "Two years ago the two forces held a desert exercise, Atlas Lion, near Agadir."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [sorted(e.countries) for e in drills] == [["MAR", "SEN"]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Kenya and Ethiopia held talks in Addis Ababa last week. Diplomats of the two "
            "countries have been working on a border treaty since March.",
            (["ETH", "KEN"], "treaty"),
        ),
        ("Chile and Peru are negotiating a new trade deal.", (["CHL", "PER"], "deal")),
    ],
)
def test_an_agreement_being_negotiated(
    nlp: Language, body: str, expected: tuple[list[str], str]
) -> None:
    deals = events_of(nlp, body, kind="agreement")
    assert [(sorted(e.parties), e.agreement_kind, e.status) for e in deals] == [
        (*expected, "negotiating")
    ]


def test_troops_flown_in_for_a_drill_from_a_known_region(nlp: Language) -> None:
    body = (
        "Kazakhstan is hosting a joint drill near Almaty this week.\n\n"
        "Kazakh officials said 500 paratroopers from Tibet had been flown in for it."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min) for e in moves] == [("CHN", "KAZ", 500)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Some 400 Rwandan soldiers departed Kigali on Monday to reinforce the peacekeeping "
            "force in the Central African Republic.",
            [("RWA", "CAF", 400)],
        ),
        (
            "A battalion of 600 Indian soldiers left for South Sudan on Monday.",
            [("IND", "SSD", 600)],
        ),
        ("The last 300 Russian soldiers left Syria on Friday.", []),
    ],
)
def test_troops_leaving_go_where_they_are_bound(
    nlp: Language, body: str, expected: list[tuple[str, str, int]]
) -> None:
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min) for e in moves] == expected


def test_fighter_designations_and_the_nearest_it(nlp: Language) -> None:
    body = (
        "Serbia, which operates Russian-made S-300 air defence systems it bought in 2018, has "
        "ordered Rafales, and the United States plans to sell F-16s to Hungary."
    )
    transfers = {
        (e.origin, e.destination, tuple(e.items))
        for e in events_of(nlp, body)
        if e.type == "arms_transfer"
    }
    assert ("RUS", "SRB", ("air defense systems",)) in transfers
    assert ("USA", "HUN", ("fighter jets",)) in transfers


def test_a_fleet_named_for_its_country_holds_exercises(nlp: Language) -> None:
    body = "The Baltic Fleet began naval drills near Kaliningrad on Tuesday."
    drills = events_of(nlp, body, kind="military_exercise")
    assert [e.countries for e in drills] == [["RUS"]]


def test_leading_a_team_somewhere_is_a_visit(nlp: Language) -> None:
    body = (
        "Thai Commerce Minister Pichai Naripthaphan will lead a trade mission to Jakarta next week."
    )
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination, e.leader, e.modality) for e in visits] == [
        ("THA", "IDN", "Pichai Naripthaphan", "planned")
    ]


def test_a_delegation_led_by_someone_is_one_visit(nlp: Language) -> None:
    body = "A Kenyan delegation led by Foreign Minister Musalia Mudavadi arrived in Accra."
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination) for e in visits] == [("KEN", "GHA")]


def test_a_government_denying_troops_at_its_own_site(nlp: Language) -> None:
    body = (
        "Chad's government on Friday rejected reports that Turkish troops were stationed at an "
        "airbase near Abeche, which a French-language radio station had broadcast."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination) for e in moves] == [("TUR", "TCD")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Iraqi Prime Minister Mohammed Shia al-Sudani has invited Turkish firms to bid for "
            "contracts in Basra.",
            [("IRQ", "TUR")],
        ),
        (
            "The Brazilian team, led by coach Carlo Ancelotti, was invited by a Qatari club "
            "earlier this year.",
            [],
        ),
    ],
)
def test_a_countrys_firms_invited_but_not_its_teams(
    nlp: Language, body: str, expected: list[tuple[str, str]]
) -> None:
    invites = events_of(nlp, body, kind="invitation")
    assert [(e.origin, e.destination) for e in invites] == expected


def test_a_name_a_who_clause_describes_is_a_person(nlp: Language) -> None:
    body = (
        "Ghanaian President John Mahama spoke by video link on Tuesday with Brice Clotaire "
        "Oligui, who heads Gabon's interim government, about the summit."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), e.format) for e in meetings] == [
        (["Brice Clotaire Oligui", "John Mahama"], "video")
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "About 90 Kenyan soldiers will travel to Germany in June for Exercise Green Lion, "
            "the annual drill between the two armies.",
            [(["DEU", "KEN"], "Green Lion")],
        ),
        (
            "The Spanish navy's frigate group is expected to sail to the Aegean in May for the "
            "Blue Wave exercise with the Greek Navy.",
            [(["ESP", "GRC"], "Blue Wave")],
        ),
    ],
)
def test_an_exercise_a_journey_is_made_for(
    nlp: Language, body: str, expected: list[tuple[list[str], str]]
) -> None:
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name) for e in drills] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Officials in Seoul welcomed the move. Some 250 members of Canada's Royal Canadian "
            "Air Force arrived at Osan Air Base in South Korea on Monday.",
            [("CAN", "KOR", 250)],
        ),
        (
            "In the field, a contingent of some 150 Brazilian Army soldiers will travel to "
            "Portugal in May for a jungle warfare course.",
            [("BRA", "PRT", 150)],
        ),
        ("A further 80 Danish commandos arrived in Estonia on Sunday.", [("DNK", "EST", 80)]),
        ("Members of the Argentine parliament arrived in Chile on Monday.", []),
    ],
)
def test_service_members_commandos_and_travelling_troops(
    nlp: Language, body: str, expected: list[tuple[str, str, int]]
) -> None:
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min) for e in moves] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Italian officials denied that Italian firms had sold helicopter spare parts to "
            "Venezuela since the crisis.",
            [("ITA", "VEN", "negated")],
        ),
        (
            "The coalition accused Russia last week of smuggling drone parts to rebel fighters "
            "in Sudan.",
            [("RUS", "SDN", "alleged")],
        ),
        (
            "A first Patriot missile-defence battery, built in the United States, was handed "
            "over to Polish air defence forces in May 2024.",
            [("USA", "POL", "asserted")],
        ),
        (
            "Officials in Berlin denied that the accord would see French nuclear warheads "
            "transferred to Germany.",
            [("FRA", "DEU", "negated")],
        ),
    ],
)
def test_smuggled_parts_missile_defence_and_goods_a_participle_describes(
    nlp: Language, body: str, expected: list[tuple[str, str, str]]
) -> None:
    moves = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination, e.modality) for e in moves] == expected


def test_a_denied_stationing_is_kept_beside_a_counted_arrival(nlp: Language) -> None:
    body = (
        "About 600 Canadian soldiers arrived in Latvia on Tuesday for a six-month rotation.\n\n"
        "Canada will not station troops permanently in Latvia, the defence minister said."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert sorted((e.modality, e.origin, e.destination, e.troops_min or 0) for e in moves) == [
        ("asserted", "CAN", "LVA", 600),
        ("negated", "CAN", "LVA", 0),
    ]


def test_officials_due_to_meet(nlp: Language) -> None:
    body = (
        "Peruvian Defence Minister General Carlos Ruiz and his Chilean counterpart, General "
        "Ana Soto, are due to meet in Quito next week."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), e.place, e.modality) for e in meetings] == [
        (["Ana Soto", "Carlos Ruiz"], "Quito", "planned")
    ]


def test_a_host_and_the_leaders_of_named_countries(nlp: Language) -> None:
    body = "President Paul Kagame hosted the leaders of Kenya and Uganda in Kigali in March 2023."
    events = events_of(nlp, body)
    meetings = [e for e in events if e.type == "meeting"]
    assert [(e.participants, sorted(e.countries)) for e in meetings] == [
        (["Paul Kagame"], ["KEN", "RWA", "UGA"])
    ]
    visits = sorted((e.origin, e.destination) for e in events if e.type == "delegation_visit")
    assert visits == [("KEN", "RWA"), ("UGA", "RWA")]
    assert events_of(nlp, "The prime minister hosted the games in Paris last year.") == []


def test_joining_other_troops_in_an_exercise(nlp: Language) -> None:
    body = (
        "Chilean marines joined Peruvian and Colombian troops in the Pacific Guard exercise "
        "in Lima in May 2022."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name) for e in drills] == [
        (["CHL", "COL", "PER"], "Pacific Guard")
    ]


def test_each_invited_country_named_outright(nlp: Language) -> None:
    body = "Brasilia has invited Chile and Peru to send observers, officials said."
    invites = events_of(nlp, body, kind="invitation")
    assert sorted((e.origin, e.destination) for e in invites) == [("BRA", "CHL"), ("BRA", "PER")]


def test_a_general_arriving_in_a_pakistani_garrison_city(nlp: Language) -> None:
    body = (
        "Turkey's chief of general staff, General Selim Kaya, arrived in Quetta on Tuesday at "
        "the head of a military delegation."
    )
    visits = events_of(nlp, body, kind="delegation_visit")
    assert [(e.origin, e.destination, e.leader) for e in visits] == [("TUR", "PAK", "Selim Kaya")]


def test_an_older_wider_exercise_does_not_swallow_a_current_one(nlp: Language) -> None:
    body = (
        "Chilean and Peruvian troops began a joint mountain exercise near Arica on Thursday.\n\n"
        "Bolivian special forces joined Chilean and Peruvian troops in the Andean Shield "
        "exercise in La Paz in March 2019."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert sorted((sorted(e.countries), e.name) for e in drills) == [
        (["BOL", "CHL", "PER"], "Andean Shield"),
        (["CHL", "PER"], None),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Jordan and Egypt signed a defence pact in Amman on Monday. Between 2,000 and 2,500 "
        "additional Egyptian troops will be sent to the kingdom over the next year under the "
        "agreement, a military spokesman said.",
        "The accord was signed in Amman in May 2024 by King Abdullah II and President Abdel "
        "Fattah al-Sisi. It binds both states to common defence.\n\n"
        "Between 2,000 and 2,500 additional Egyptian troops will be sent to the kingdom over "
        "the next year under the agreement, an army spokesman said.",
    ],
)
def test_troops_sent_to_the_kingdom_named_before(nlp: Language, body: str) -> None:
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination, e.troops_min, e.troops_max) for e in moves] == [
        ("EGY", "JOR", 2000, 2500)
    ]


def test_the_united_kingdom_is_no_kingdom_named_before(nlp: Language) -> None:
    body = (
        "Spain and Portugal held talks in Madrid on Monday. About 300 Portuguese troops will "
        "be sent to the United Kingdom next year."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination) for e in moves] == [("PRT", "GBR")]


def test_a_coast_guard_accused_of_live_fire_drills(nlp: Language) -> None:
    body = (
        "Hanoi accused the China Coast Guard of holding live-fire drills near the Paracel "
        "Islands without notice."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(e.countries, e.modality) for e in drills] == [(["CHN"], "alleged")]


def test_a_letter_inviting_a_leader_is_from_the_one_who_hands_it(nlp: Language) -> None:
    body = (
        "Kenyan President William Ruto also handed the envoy a letter inviting President "
        "Cyril Ramaphosa to the Jamhuri Day celebrations in Nairobi."
    )
    invites = events_of(nlp, body, kind="invitation")
    assert [(e.origin, e.destination, e.occasion) for e in invites] == [
        ("KEN", "ZAF", "Jamhuri Day")
    ]


def test_flew_in_and_was_received_by_the_host(nlp: Language) -> None:
    body = (
        "Kenyan Defence Minister Soipan Tuya flew to Pretoria on Friday and was received by "
        "President Cyril Ramaphosa, according to the presidency."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), e.countries) for e in meetings] == [
        (["Cyril Ramaphosa", "Soipan Tuya"], ["KEN", "ZAF"])
    ]


def test_an_offer_to_sell_designated_fighters_is_a_proposed_deal(nlp: Language) -> None:
    body = "Turkey has offered to sell JF-17 Thunder Block III fighters to Indonesia."
    events = events_of(nlp, body)
    assert [(e.origin, e.destination) for e in events if e.type == "arms_transfer"] == [
        ("TUR", "IDN")
    ]
    deals = [e for e in events if e.type == "agreement"]
    assert [(e.parties, e.agreement_kind, e.status) for e in deals] == [
        (["IDN", "TUR"], "deal", "proposed")
    ]
    sent = events_of(nlp, "Iran sent 300 fighters to Syria.")
    assert [e.type for e in sent] == ["troop_deployment"]


def test_talks_hosted_by_one_leader_and_attended_by_another(nlp: Language) -> None:
    body = (
        "The truce was agreed in Doha on May 3, 2024, at talks hosted by Turkish President "
        "Recep Tayyip Erdogan and attended by South African President Cyril Ramaphosa."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), e.countries, e.place) for e in meetings] == [
        (["Cyril Ramaphosa", "Recep Tayyip Erdogan"], ["TUR", "ZAF"], "Doha")
    ]


def test_a_witness_relative_clause_does_not_set_the_agreement_kind(nlp: Language) -> None:
    body = (
        "Peru and Ecuador then signed the Brasilia Peace Accord in October 1998 in the "
        "presence of President Bill Clinton, who had threatened to halt aid to both unless "
        "they stopped shooting."
    )
    deals = events_of(nlp, body, kind="agreement")
    assert [(e.parties, e.agreement_kind) for e in deals] == [(["ECU", "PER"], "other")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "The minister's trip to Bogota was also used to review the transfer of Spanish "
            "equipment. A further two coastal radars were handed over to the Colombian Air "
            "Force last month, the defence ministry said.",
            [("ESP", "COL")],
        ),
        (
            "Under a plan approved by Madrid in May, four decommissioned Baleares-class "
            "destroyer escorts are expected to be transferred to the Colombian Navy by 2027.",
            [("ESP", "COL")],
        ),
    ],
)
def test_destroyer_escorts_and_a_sender_told_just_before(
    nlp: Language, body: str, expected: list[tuple[str, str]]
) -> None:
    moves = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination) for e in moves] == expected


def test_the_navies_of_several_countries_held_a_named_exercise(nlp: Language) -> None:
    body = (
        "The navies of Brazil, Argentina and Uruguay held the Atlantic Guard exercise off "
        "Montevideo in May 2023."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name) for e in drills] == [
        (["ARG", "BRA", "URY"], "Atlantic Guard")
    ]


def test_the_crown_prince_named_paragraphs_before(nlp: Language) -> None:
    body = (
        "The accord was signed in Riyadh in 2024 by President Recep Tayyip Erdogan and Crown "
        "Prince Mohammed bin Salman. It binds both. Trade has grown. Investment is up.\n\n"
        "Erdogan and the crown prince spoke by phone on Monday, the Saudi Press Agency reported."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), e.format) for e in meetings] == [
        (["Mohammed bin Salman", "Recep Tayyip Erdogan"], "phone")
    ]


def test_a_relative_who_received_by_the_host_meets_the_host(nlp: Language) -> None:
    body = (
        "Talks followed a trip to Lusaka on Friday by Malawi's army commander, General Peter "
        "Banda, who was received at State House by President Hakainde Hichilema."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert [sorted(e.participants) for e in meetings] == [["Hakainde Hichilema", "Peter Banda"]]


def test_a_name_an_office_describes_in_apposition_is_a_person(nlp: Language) -> None:
    body = (
        "Landsbergis held talks in Warsaw with Tomasz Wrobel, the secretary of Poland's "
        "National Security Bureau, the agency reported."
    )
    meetings = events_of(nlp, body, kind="meeting")
    assert any("Tomasz Wrobel" in e.participants for e in meetings)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Some 300 Malaysian troops are expected to deploy to Queensland for the drill.",
            [("MYS", "AUS")],
        ),
        ("Ghana sent 150 soldiers to Maiduguri last week.", [("GHA", "NGA")]),
    ],
)
def test_well_known_regions_and_cities_name_their_country(
    nlp: Language, body: str, expected: list[tuple[str, str]]
) -> None:
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination) for e in moves] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Sudan smuggled assault rifles and grenades to Chad.", [("SDN", "TCD")]),
        ("Israel sold surveillance technology to Mexico.", [("ISR", "MEX")]),
    ],
)
def test_small_arms_and_surveillance_technology_are_arms_items(
    nlp: Language, body: str, expected: list[tuple[str, str]]
) -> None:
    moves = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination) for e in moves] == expected


def test_the_object_from_a_country_the_parser_detached_does_what_it_is_accused_of() -> None:
    import spacy
    from spacy.tokens import Doc

    from services.extract.view import subject_of

    words = ["Police", "accused", "gangs", "from", "Peru", "of", "smuggling", "guns", "to", "Chile"]
    heads = [1, 1, 1, 1, 3, 4, 5, 6, 6, 8]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "prep", "pcomp", "dobj", "prep", "pobj"]
    pos = ["NOUN", "VERB", "NOUN", "ADP", "PROPN", "ADP", "VERB", "NOUN", "ADP", "PROPN"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos)
    subj = subject_of(doc[6])
    assert subj is not None and subj.text == "Peru"


def test_an_office_before_a_comma_and_a_rank_names_the_country(nlp: Language) -> None:
    body = (
        "A week earlier Ghana's Chief of Defence Staff, Air Vice Marshal Kofi Mensah, "
        "arrived in Lome. Mensah and Togo's army chief of staff, General Yao Agbeko, "
        "signed a memorandum of understanding on border patrols."
    )
    deals = events_of(nlp, body, kind="agreement")
    assert [(e.parties, e.agreement_kind) for e in deals] == [(["GHA", "TGO"], "memorandum")]


def test_an_alleged_drill_is_no_part_of_a_planned_joint_exercise(nlp: Language) -> None:
    body = (
        "The Chilean and Peruvian navies will hold their first joint exercise in November. "
        "Bolivia last month accused Peru of holding an unannounced naval drill near the border."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert sorted((sorted(e.countries), e.modality) for e in drills) == [
        (["CHL", "PER"], "planned"),
        (["PER"], "alleged"),
    ]


def test_joining_a_list_of_units_in_a_named_exercise(nlp: Language) -> None:
    body = (
        "Mongolian soldiers will also join American, Japanese, Indian and Thai units in the "
        "Khaan Quest exercise, which is scheduled to take place near Ulaanbaatar in June."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name) for e in drills] == [
        (["IND", "JPN", "MNG", "THA", "USA"], "Khaan Quest")
    ]


def test_an_exercise_named_in_a_participle(nlp: Language) -> None:
    body = (
        "A statement said India and Oman had agreed to hold a bilateral counter-piracy "
        "exercise, named Ocean Shield, off Salalah in March."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [e.name for e in drills] == ["Ocean Shield"]


def test_those_who_agree_an_exercise_will_be_held_hold_it(nlp: Language) -> None:
    body = (
        "Norway and Finland decided that the third round of the Arctic Lynx exercise will be "
        "held near Tromso in March."
    )
    drills = events_of(nlp, body, kind="military_exercise")
    assert [(sorted(e.countries), e.name) for e in drills] == [(["FIN", "NOR"], "Arctic Lynx")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Niger's junta denied that American soldiers had returned to the desert base.",
            [("USA", "NER")],
        ),
        ("Some 200 Italian soldiers returned home from Lebanon on Friday.", []),
    ],
)
def test_troops_returning_to_a_country_move_there(
    nlp: Language, body: str, expected: list[tuple[str, str]]
) -> None:
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination) for e in moves] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Some 1,200 British troops are based in Estonia.", [("GBR", "EST")]),
        ("Vietnam would never allow Russian forces to be based on its soil.", [("RUS", "VNM")]),
        ("A Paris-based institute said Chinese soldiers trained hard.", []),
    ],
)
def test_troops_based_in_a_country_are_stationed_there(
    nlp: Language, body: str, expected: list[tuple[str, str]]
) -> None:
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination) for e in moves] == expected


def test_goods_a_participle_tagged_as_past_tense_describes_are_the_goods() -> None:
    import spacy
    from spacy.tokens import Doc

    from services.extract.events.transfers import _raised_goods

    words = ["Tanks", "bought", "from", "Spain", "reached", "Lima"]
    heads = [4, 0, 1, 2, 4, 4]
    deps = ["nsubj", "acl", "prep", "pobj", "ROOT", "dobj"]
    tags = ["NNS", "VBD", "IN", "NNP", "VBD", "NNP"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, tags=tags)
    assert [t.text for t in _raised_goods(doc[1], [])] == ["Tanks"]


def test_troops_sent_to_a_named_base_go_where_the_story_is(nlp: Language) -> None:
    body = (
        "Congo's ties with Belgium have cooled sharply in recent years. "
        "A military spokesman on Friday denied that Belgian soldiers had returned to the "
        "Kamina base."
    )
    moves = events_of(nlp, body, kind="troop_deployment")
    assert [(e.origin, e.destination) for e in moves] == [("BEL", "COD")]


def test_agreeing_on_the_need_for_something_is_no_agreement(nlp: Language) -> None:
    body = (
        "Peruvian President Dina Boluarte and Chilean President Gabriel Boric agreed on the "
        "need for closer police cooperation."
    )
    assert events_of(nlp, body, kind="agreement") == []
    signed = "Peru and Chile agreed on a new border treaty."
    assert [e.parties for e in events_of(nlp, signed) if e.type == "agreement"] == [["CHL", "PER"]]


BILATERAL_STORY = (
    "Denmark will lend two offshore patrol vessels to Ghana, the Danish defence ministry said "
    "on Monday, as Ghana's navy steps up patrols in the Gulf of Guinea.\n\n"
    "Danish officials said Copenhagen would also train Ghanaian crews, and Accra has asked "
    "Denmark for help with coastal radar.\n\n"
    "Ghana and Denmark have held annual staff talks since 2019, and a Ghanaian delegation "
    "toured Danish naval bases last year.\n\n"
    "{sentence}\n\n"
    "Nigeria has voiced support for the plan."
)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The lease contract for the vessels was signed in Accra in March.", [["DNK", "GHA"]]),
        ("The ministers also signed three agreements on fisheries and training.", [["DNK", "GHA"]]),
        # A business signs: no bilateral agreement.
        ("A shipping group signed a maintenance contract with a local firm in May.", []),
    ],
)
def test_an_agreement_without_parties_is_between_the_story_countries(
    nlp: Language, sentence: str, expected: list[list[str]]
) -> None:
    body = BILATERAL_STORY.format(sentence=sentence)
    deals = events_of(nlp, body, kind="agreement")
    assert [e.parties for e in deals] == expected


def test_a_story_has_no_pair_when_a_third_country_is_as_present(nlp: Language) -> None:
    from services.extract.events.common import story_pair
    from services.extract.pipeline import load_gazetteer
    from services.extract.view import _collect_people, _person_spans, _view

    def pair(text: str) -> frozenset[str]:
        doc = nlp(text)
        named = _person_spans(doc, doc.ents)
        people = _collect_people([doc], [named], load_gazetteer())
        return story_pair(_view(doc, doc.ents, named, people))

    two = "Chile and Peru met. " * 5 + "Bolivia watched."
    three = "Chile, Peru and Bolivia met. " * 5
    assert pair(two) == {"CHL", "PER"}
    assert pair(three) == frozenset()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "A private contractor delivered ten surveillance drones to the Ghanaian navy in April.",
            [("DNK", "GHA")],
        ),
        ("Critics have accused Denmark of supplying the navy with drones.", [("DNK", "GHA")]),
        # Someone other than the story's second country receives, or nothing is handed over.
        ("Denmark has never sold drones to rebel groups, officials insist.", []),
        ("Officials said any drones delivered to Ghana would be unarmed.", []),
    ],
)
def test_a_transfer_with_one_side_unnamed_takes_the_other_story_country(
    nlp: Language, sentence: str, expected: list[tuple[str, str]]
) -> None:
    body = BILATERAL_STORY.format(sentence=sentence)
    moves = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination) for e in moves if "lend" not in e.sentence] == expected


def test_a_transfer_retold_in_its_sentence_with_fewer_goods_is_one(nlp: Language) -> None:
    body = (
        "Lithuania supplied Moldova with rifles and ammunition last year, and a customs report "
        "says Vilnius shipped 40 crates of ammunition to Moldova in May."
    )
    moves = events_of(nlp, body, kind="arms_transfer")
    assert [(e.origin, e.destination, sorted(e.items)) for e in moves] == [
        ("LTU", "MDA", ["ammunition", "weapons"])
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Swedish Foreign Minister Ana Lindqvist is due to hold talks with Latvian Foreign "
            "Minister Peteris Ozols on Friday.",
            [(["Ana Lindqvist", "Peteris Ozols"], "in_person")],
        ),
        (
            "Austrian Chancellor Karl Huber spoke to Irish Prime Minister Sean Doyle by phone "
            "on Sunday about energy prices.",
            [(["Karl Huber", "Sean Doyle"], "phone")],
        ),
    ],
)
def test_a_meeting_with_its_one_side_raised_or_spoken_to(
    nlp: Language, body: str, expected: list[tuple[list[str], str]]
) -> None:
    meetings = events_of(nlp, body, kind="meeting")
    assert [(sorted(e.participants), e.format) for e in meetings] == expected


def test_an_official_after_a_comma_takes_no_country_from_the_clause_before(
    nlp: Language,
) -> None:
    from services.extract.pipeline import load_gazetteer
    from services.extract.view import _collect_people, _person_spans

    doc = nlp(
        "Greece will post 200 soldiers to Cyprus next month, Defence Minister Nikos Pappas said."
    )
    people = _collect_people([doc], [_person_spans(doc, doc.ents)], load_gazetteer())
    person = people.get("Nikos Pappas")
    assert person is not None and person.iso3 != "CYP"


def test_an_office_name_with_of_and_for_still_tells_the_country(nlp: Language) -> None:
    from services.extract.pipeline import load_gazetteer
    from services.extract.view import _collect_people, _person_spans

    doc = nlp("Kenya's Minister of State for Trade Jane Wambui arrived in Kigali on Monday.")
    people = _collect_people([doc], [_person_spans(doc, doc.ents)], load_gazetteer())
    person = people.get("Jane Wambui")
    assert person is not None and person.iso3 == "KEN"


def test_an_honorific_opening_a_name_is_no_part_of_it(nlp: Language) -> None:
    body = (
        "Qatar's Prime Minister Sheikh Faisal bin Saud Al Marri arrived in Rome on Monday.\n\n"
        "Italian Prime Minister Giulia Ferri and Sheikh Faisal held talks on Tuesday.\n\n"
        "Somali President Hassan Sheikh Mohamud arrived in Nairobi on Wednesday."
    )
    events = events_of(nlp, body)
    talks = [(sorted(e.participants), e.countries) for e in events if e.type == "meeting"]
    assert talks == [(["Faisal bin Saud Al Marri", "Giulia Ferri"], ["ITA", "QAT"])]
    leaders = {e.leader for e in events if e.type == "delegation_visit"}
    assert "Hassan Sheikh Mohamud" in leaders


def test_a_foreign_guest_a_leader_hosts_is_on_a_visit(nlp: Language) -> None:
    body = (
        "Chilean President Lucia Vargas hosted Uruguay's Foreign Minister Martin Silva for "
        "talks on trade and fisheries.\n\n"
        "Silva, a longtime adviser to Argentine President Tomas Ruiz, was hosted by Vargas "
        "again the next day."
    )
    visits = {
        (e.origin, e.destination, e.leader)
        for e in events_of(nlp, body)
        if e.type == "delegation_visit"
    }
    assert visits == {("URY", "CHL", "Martin Silva")}
