"""Article -> typed events: the one place where an article becomes events (pure, no Redis).

    python -m services.extract.extractor FILE...   # one event JSON per line

The spaCy pipeline (see `pipeline.py`) marks countries, officials, items and trigger words;
`view.py` reads one document (people, pronouns, actors, modality, dates) and the builders in
`events/` (one module per event family) read the dependency parse around each trigger to fill
the event's roles. This module dispatches the triggers to the builders, turns the candidates
into events and tidies the article's events as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, Token

from schemas.documents import Article
from schemas.events import (
    EVENT_ADAPTER,
    ArmsTransfer,
    DelegationVisit,
    Event,
    Invitation,
    MilitaryExercise,
    TroopDeployment,
    _name_key,
)
from services.extract import dates
from services.extract.events.agreements import agreements
from services.extract.events.common import (
    IMPLIED_MEETING,
    Found,
    _preceding_actors,
)
from services.extract.events.deployments import deployments
from services.extract.events.exercises import exercises
from services.extract.events.invitations import invitations
from services.extract.events.meetings import meetings
from services.extract.events.transfers import transfers
from services.extract.events.visits import (
    delegations,
    visits,
)
from services.extract.events.weapons_tests import tests
from services.extract.pipeline import (
    TRIGGER_KEY,
    load_gazetteer,
)
from services.extract.view import (
    DocView,
    Lexicon,
    _attachment,
    _collect_people,
    _lexicon,
    _person_spans,
    _under_report,
    _view,
    date_of,
    modality_of,
    sentence_actors,
)

log = logging.getLogger(__name__)

BUILDERS = {
    "visit": visits,
    "delegation": delegations,
    "meet": meetings,
    "agree": agreements,
    "deploy": deployments,
    "test": tests,
    "exercise": exercises,
    "invite": invitations,
}


# --- one article --------------------------------------------------------------------------


log = logging.getLogger(__name__)


def _found_in(view: DocView, lex: Lexicon) -> list[Found]:
    """Every event candidate of one parsed text."""
    found: list[Found] = []
    for span in view.doc.spans.get(TRIGGER_KEY, []):
        trig = span.root
        sent = view.sent(trig)
        label = span.label_
        try:
            if label == "give":
                found += transfers(view, sent, trig, lex, taking=False)
            elif label == "take":
                found += transfers(view, sent, trig, lex, taking=True)
            else:
                found += BUILDERS[label](view, sent, trig, lex)
        except (KeyError, IndexError):  # a parse too odd to read is skipped, not fatal
            log.debug("skipped trigger %r in %r", trig.text, sent.text, exc_info=True)
    return found


# Subordinators of a clause that only situates the main event in time ("days after X fired").
TIME_ADJUNCTS = frozenset(["after", "before", "since", "following", "ahead"])


def _in_time_adjunct(trig: Token) -> bool:
    """Whether the trigger's clause is a temporal adjunct of another clause."""
    cur = trig
    for _ in range(4):
        if cur.dep_ == "advcl":
            return any(
                c.dep_ in ("mark", "advmod") and c.lower_ in TIME_ADJUNCTS for c in cur.children
            )
        if cur.dep_ == "pcomp" and cur.head.lower_ in TIME_ADJUNCTS:
            return True
        clause_head = cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("conj", "xcomp")
        if cur.head.i == cur.i or clause_head:
            return False
        cur = cur.head
    return False


def _in_question(trig: Token) -> bool:
    """Whether the trigger's clause is an open question ("did not say whether X would meet Y")."""
    cur = trig
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ == "whether" for c in cur.children):
            return True
        if cur.head.i == cur.i or cur.dep_ not in ("xcomp", "conj", "dobj", "pobj", "compound"):
            return False
        cur = cur.head
    return False


def _drop_adjunct_repeats(found: list[Found]) -> list[Found]:
    """A test named in passing ("told lawmakers, days after the North fired a missile") that the
    article reports in its own sentence too is the same test: keep the own sentence. Open
    questions ("neither side said whether X would meet Y") are no events at all."""
    out = []
    for f in found:
        if _in_question(f.trigger):
            continue  # a question asked is no event reported
        if f.type == "weapons_test" and _in_time_adjunct(f.trigger):
            country = f.fields.get("country")
            if any(
                g is not f
                and g.type == f.type
                and g.fields.get("country") == country
                and g.sent.start != f.sent.start
                and not _in_time_adjunct(g.trigger)
                for g in found
            ):
                continue
        out.append(f)
    return out


def _drop_unnamed_retold(found: list[Found], view: DocView) -> list[Found]:
    """A meeting told by its countries alone ("the leaders of A, B and C met ...") that the next
    or previous sentence tells again with the people who met ("X, Y and Z met ...", "the talks
    were chaired by X and attended by Y") is that meeting: the telling with names stays."""

    def named_retelling(f: Found, g: Found) -> bool:
        shared = set(f.fields["countries"]) & set(g.fields["countries"])
        near = abs(view.sent_no[f.sent.start] - view.sent_no[g.sent.start]) == 1
        return near and len(g.fields["participants"]) >= 2 and len(shared) >= 2

    return [
        f
        for f in found
        if f.type != "meeting"
        or f.fields["participants"]
        or not any(g.type == "meeting" and named_retelling(f, g) for g in found)
    ]


def _fill_destinations(found: list[Found], view: DocView, lex: Lexicon) -> list[Found]:
    """Visits lacking a side: the same leader's destination elsewhere, else nearby countries."""
    # A leader's one destination of the article; a tour of several tells none of its legs.
    legs: dict[str, set[str]] = {}
    for f in found:
        if f.type == "delegation_visit" and f.fields["leader"] and f.fields["destination"]:
            legs.setdefault(f.fields["leader"], set()).add(f.fields["destination"])
    known = {leader: next(iter(dests)) for leader, dests in legs.items() if len(dests) == 1}
    out = []
    for f in found:
        if f.type == "delegation_visit" and f.fields["destination"] is None:
            dest = known.get(f.fields["leader"])
            if dest is None:
                dest = _nearby_country(view, f, lex, exclude=f.fields["origin"])
            if dest is None:
                continue
            f.fields["destination"] = dest
            f.confidence -= 0.15
        if f.type == "delegation_visit" and f.fields["origin"] is None:
            origin = _nearby_country(view, f, lex, exclude=f.fields["destination"])
            if origin is None:
                continue
            f.fields["origin"] = origin
            f.confidence -= 0.15
        if f.type == "delegation_visit" and f.fields["origin"] == f.fields["destination"]:
            continue
        out.append(f)
    return out


def _nearby_country(view: DocView, f: Found, lex: Lexicon, exclude: str | None) -> str | None:
    """The nearest country in the sentence, else in the two sentences before it."""
    for actor in sentence_actors(view, f.sent, lex, f.trigger):
        if actor.iso3 and actor.iso3 != exclude:
            return actor.iso3
    for actor in _preceding_actors(view, f.sent, lex):
        if actor.iso3 != exclude:
            return actor.iso3
    return None


def _filled(event: DelegationVisit) -> int:
    return sum(v is not None for v in (event.place, event.leader_title, event.phase))


def _tidy(events: list[Event]) -> list[Event]:
    """Merge what several sentences say of one event within an article."""
    visits_ = [e for e in events if isinstance(e, DelegationVisit)]
    led = [e for e in visits_ if e.leader]
    quantified = [
        e for e in events if isinstance(e, TroopDeployment) and (e.troops_min or e.troops_max)
    ]
    exercises_ = [e for e in events if isinstance(e, MilitaryExercise)]
    transfers_ = [e for e in events if isinstance(e, ArmsTransfer)]
    invited = [e for e in events if isinstance(e, Invitation) and e.invitee]
    # "arrived in Kyiv on a visit": two triggers of one sentence tell one visit; the fuller wins.
    best: dict[tuple[Any, ...], DelegationVisit] = {}
    for visit in visits_:
        key = (visit.caption, tuple(visit.span), visit.origin, visit.destination, visit.leader)
        if key not in best or _filled(visit) > _filled(best[key]):
            best[key] = visit
    # One leader's visit to one country told twice with two kinds ("arrived ... met the
    # defence minister"): the first telling is the visit.
    first_led: dict[tuple[Any, ...], DelegationVisit] = {}
    for visit in led:
        first_led.setdefault((visit.origin, visit.destination, _name_key(visit.leader)), visit)
    out: list[Event] = []
    for e in events:
        if (
            isinstance(e, DelegationVisit)
            and best[(e.caption, tuple(e.span), e.origin, e.destination, e.leader)] is not e
        ):
            continue
        if (
            isinstance(e, DelegationVisit)
            and e.leader
            and first_led[(e.origin, e.destination, _name_key(e.leader))] is not e
        ):
            continue
        if (
            isinstance(e, Invitation)
            and not e.invitee
            and any(o.origin == e.origin and o.destination == e.destination for o in invited)
        ):
            continue  # "grateful for the invitation": the one told with its invitee
        if isinstance(e, DelegationVisit) and not e.leader:
            # "economic and health delegations" sums up the led ones named elsewhere.
            if any(
                o.destination == e.destination
                and (e.delegation_kind is None or e.delegation_kind == o.delegation_kind)
                for o in led
            ):
                continue
            if e.delegation_kind is None and any(
                o is not e and o.destination == e.destination and o.origin == e.origin
                for o in visits_
            ):
                continue
        if (
            isinstance(e, TroopDeployment)
            and not (e.troops_min or e.troops_max)
            and any(
                o.origin == e.origin
                and o.destination == e.destination
                # "will not station troops there" is no vaguer telling of an arrival.
                and (o.modality == "negated") == (e.modality == "negated")
                for o in quantified
            )
        ):
            continue
        if isinstance(e, ArmsTransfer) and any(
            o.origin == e.origin
            and o.destination == e.destination
            and tuple(o.span) == tuple(e.span)
            and set(e.items) < set(o.items)
            for o in transfers_
        ):
            continue  # "supplied X with shells and missiles ..., shipped munitions": one told twice
        if isinstance(e, MilitaryExercise) and any(
            set(e.countries) < set(o.countries)
            and (e.name is None or e.name == o.name)
            and _same_time(e.occurred_on, o.occurred_on)
            # "accused X of holding a drill" is no part of a joint exercise being planned.
            and all((e.modality == m) == (o.modality == m) for m in ("planned", "alleged"))
            for o in exercises_
        ):
            continue
        out.append(e)
    return _name_exercises(out)


def _same_drill(unnamed: MilitaryExercise, named: MilitaryExercise) -> bool:
    """Whether an unnamed exercise may be a telling of a named one: the same countries (or
    fewer), at the same time, both planned or both not, both alleged or both not."""
    return (
        unnamed.name is None
        and named.name is not None
        and set(unnamed.countries) <= set(named.countries)
        and _same_time(unnamed.occurred_on, named.occurred_on)
        and all((unnamed.modality == m) == (named.modality == m) for m in ("planned", "alleged"))
    )


def _name_exercises(events: list[Event]) -> list[Event]:
    """An exercise told unnamed and named ("X and Y began joint drills on Monday ... kicked off
    African Lion, the largest exercise") is one: the named telling stays, dated by the unnamed
    one when it writes no date of its own. Two named exercises of those countries leave the
    unnamed telling alone (it may be either)."""
    named = [e for e in events if isinstance(e, MilitaryExercise) and e.name is not None]
    dropped: set[int] = set()
    dated: dict[int, str] = {}
    for e in events:
        if not isinstance(e, MilitaryExercise):
            continue
        matches = [o for o in named if _same_drill(e, o)]
        if len({o.name for o in matches}) != 1:
            continue
        dropped.add(id(e))
        for o in matches:
            if o.occurred_on is None and e.occurred_on is not None:
                dated.setdefault(id(o), e.occurred_on)
    out: list[Event] = []
    for e in events:
        if id(e) in dropped:
            continue
        if id(e) in dated:
            e = e.model_copy(update={"occurred_on": dated[id(e)]})
        out.append(e)
    return out


def _same_time(a: str | None, b: str | None) -> bool:
    """Whether two dates at their precisions may be one time ("2024-05" and "2024-05-03");
    an undated event may be any time."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


# How many sentences back an undated event may take the date of the story told before it.
STORY_REACH = 3


def _fits_tense(iso: str, published: date | None, planned: bool) -> bool:
    """A plan is dated on or after publication, anything else on or before it."""
    if published is None:
        return True
    pub = published.isoformat()[: len(iso)]
    return iso >= pub if planned else iso <= pub


def _story_dates(
    view: DocView, found: list[Found], modalities: list[str], published: date | None
) -> list[str | None]:
    """Each event's date: its own clause's, else that of the story it continues.

    News tells an event and then its parts without repeating the day ("X arrived in Y on
    Tuesday. X held talks with Z ..."): an event whose clause writes no date takes the date of
    a sibling clause of its sentence ("X withdrew on Tuesday, but soldiers remained"), else of
    the nearest dated event in the sentences just before, at day precision (a plan may take
    the month of the plan it continues). A clause that writes an unresolvable date ("last
    week") stays undated; without any dated event nearby nothing is invented."""
    sent_no = {s.start: i for i, s in enumerate(view.sents)}
    readings = [
        date_of(view, f.sent, f.trigger, published, m == "planned")
        for f, m in zip(found, modalities, strict=True)
    ]
    out: list[str | None] = []
    for k, (f, modality, reading) in enumerate(zip(found, modalities, readings, strict=True)):
        planned = modality == "planned"
        if reading.written and not reading.story_shift:
            out.append(reading.iso)
            continue
        story: str | None = None
        if not reading.story_shift:
            story = _sibling_date(view, f, published, planned)
        if story is None:
            here = sent_no.get(f.sent.start, 0)
            best: tuple[int, int] | None = None
            for j, other in enumerate(found):
                iso = readings[j].iso
                there = sent_no.get(other.sent.start, 0)
                if j == k or iso is None or not readings[j].written:
                    continue
                if not (here - STORY_REACH <= there <= here) or other.trigger.i > f.trigger.i:
                    continue
                if len(iso) != 10 and not (planned and len(iso) == 7):
                    continue
                if not _fits_tense(iso, published, planned):
                    continue
                if (modalities[j] == "planned") != planned:
                    continue
                key = (there, other.trigger.i)
                if best is None or key > best:
                    best, story = key, iso
        if story is not None and reading.story_shift:
            story = dates.shift_day(story, reading.story_shift)
        out.append(story)
    return out


def _sibling_date(view: DocView, f: Found, published: date | None, planned: bool) -> str | None:
    """A day written in another main clause of the event's sentence, before the trigger."""
    trigger = f.trigger
    ents = {view.date_at[t.i] for t in f.sent if t.i in view.date_at and t.i < trigger.i}
    best: str | None = None
    for ent in sorted(ents, key=lambda e: e.start):
        if _under_report(ent, trigger, _lexicon()):
            continue
        clause = _attachment(ent, trigger)
        if clause.dep_ in ("relcl", "acl", "advcl"):
            continue
        iso = dates.resolve_date(ent.text, published, future=planned)
        if iso and len(iso) == 10 and _fits_tense(iso, published, planned):
            best = iso
    return best


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of a sentence without the line breaks the tokenizer kept at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _to_events(
    found: list[Found],
    article: Article,
    view: DocView,
    lex: Lexicon,
    caption: bool,
    published: date | None,
) -> list[Event]:
    out: list[Event] = []
    modalities = [modality_of(f.sent, f.trigger, lex) for f in found]
    occurred = _story_dates(view, found, modalities, published)
    for f, modality, occurred_on in zip(found, modalities, occurred, strict=True):
        codes = lex.codes.get(f.type, {})
        start, end = _trimmed(view.text, f.sent.start_char, f.sent.end_char)
        sentence = view.text[start:end]
        cameo = codes.get("cameo")
        if f.type == "meeting" and f.fields.get("format") == "phone":
            cameo = "041"
        if f.type == "agreement" and f.fields.get("agreement_kind") == "ceasefire":
            cameo = "0861"
        data = {
            "type": f.type,
            "article_id": article.article_id,
            "occurred_on": occurred_on,
            "modality": modality,
            "sentence": sentence,
            "span": (start, end),
            "confidence": round(max(0.05, min(0.95, f.confidence)), 2),
            "cameo": cameo,
            "plover": codes.get("plover"),
            "caption": caption,
            **f.fields,
        }
        out.append(cast(Event, EVENT_ADAPTER.validate_python(data).with_id()))
    return out


def events_from_docs(article: Article, body: Doc, captions: list[Doc]) -> list[Event]:
    """The events of an article whose body and captions are already parsed by `load_nlp`'s nlp."""
    gaz = load_gazetteer()
    lex = _lexicon()
    docs = [body, *captions]
    ents = [doc.ents for doc in docs]
    named = [_person_spans(doc, doc_ents) for doc, doc_ents in zip(docs, ents, strict=True)]
    people = _collect_people(docs, named, gaz)
    published = article.published_at.date() if article.published_at else None
    events: list[Event] = []
    for k, doc in enumerate(docs):
        view = _view(doc, ents[k], named[k], people)
        caption = k > 0
        found = _drop_adjunct_repeats(_fill_destinations(_found_in(view, lex), view, lex))
        found = _drop_unnamed_retold(found, view)
        events += _to_events(found, article, view, lex, caption, published)
    # One event per id: the first body sentence (body before captions and headlines, earlier
    # before later) wins; a repeat that dates it lends the date ("X will visit Y." ... "X is
    # expected to visit Y next month").
    merged: dict[str, Event] = {}
    for event in events:
        first = merged.get(event.event_id)
        if first is None:
            merged[event.event_id] = event
        elif _is_headline(first) and not _is_headline(event):
            if event.occurred_on is None and first.occurred_on is not None:
                event = event.model_copy(update={"occurred_on": first.occurred_on})
            merged[event.event_id] = event
        elif _implied_then_told(first, event):
            merged[event.event_id] = event
        elif first.occurred_on is None and event.occurred_on is not None:
            merged[event.event_id] = first.model_copy(update={"occurred_on": event.occurred_on})
    return _tidy(_drop_echoes(list(merged.values())))


def _implied_then_told(first: Event, later: Event) -> bool:
    """A meeting only implied (the two signed a text together) yields to a later telling of
    the same people's meeting, which says when and how they met."""
    return (
        first.type == later.type == "meeting"
        and first.confidence <= IMPLIED_MEETING < later.confidence
    )


def _roles(event: Event) -> tuple[frozenset[str], str | None]:
    """The sides of an event (countries) and its person, for telling repeats apart."""
    data = event.model_dump()
    sides: set[str] = set()
    for key in ("origin", "destination", "country"):
        if data.get(key):
            sides.add(data[key])
    for key in ("countries", "parties"):
        sides.update(data.get(key) or [])
    person = data.get("leader") or None
    return frozenset(sides), (person.split()[-1].lower() if person else None)


def _is_headline(event: Event) -> bool:
    """A caption or a headline-style line (no closing punctuation) rather than a body sentence."""
    return event.caption or not event.sentence.rstrip().endswith(
        (".", "!", "?", '"', "”", "'", "’", ")")
    )


def _drop_echoes(events: list[Event]) -> list[Event]:
    """A headline or caption repeating an event the body reports: keep the body's sentence."""
    body = [e for e in events if not _is_headline(e)]
    out = []
    for e in events:
        if _is_headline(e):
            sides, person = _roles(e)
            # A headline "X meets Y in Z" also reads as a visit; the body's meeting tells both.
            if any(
                (o.type == e.type or (e.type == "delegation_visit" and o.type == "meeting"))
                and sides <= _roles(o)[0]
                and (person is None or _roles(o)[1] in (None, person))
                for o in body
            ):
                continue
        out.append(e)
    return out


def parse_inputs(articles: list[Article]) -> Iterator[tuple[str, tuple[int, int]]]:
    """Every text the extractor parses, with (article index, caption index or -1 for the body)."""
    for i, article in enumerate(articles):
        yield article.body, (i, -1)
        for j, caption in enumerate(article.captions):
            yield caption, (i, j)


def extract_articles(
    nlp: Language, articles: list[Article], batch_size: int = 16
) -> list[list[Event]]:
    """Events of each article, parsing all bodies and captions in one `nlp.pipe` pass.

    Events from a caption have `caption=True` and their `sentence`/`span` refer to that
    caption's text; all others refer to `article.body`.
    """
    bodies: dict[int, Doc] = {}
    captions: dict[int, list[Doc]] = {i: [] for i in range(len(articles))}
    for doc, (i, j) in nlp.pipe(parse_inputs(articles), as_tuples=True, batch_size=batch_size):
        if j < 0:
            bodies[i] = doc
        else:
            captions[i].append(doc)
    return [events_from_docs(a, bodies[i], captions[i]) for i, a in enumerate(articles)]


def extract_article(nlp: Language, article: Article) -> list[Event]:
    """Events of one article (see `extract_articles`)."""
    return extract_articles(nlp, [article])[0]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from services.extract.pipeline import load_nlp
    from services.ingest.parse import load_file, parse_document

    logging.basicConfig(level=logging.WARNING)
    nlp_ = load_nlp("en_core_web_sm")
    parsed = [parse_document(load_file(Path(p))) for p in sys.argv[1:]]
    for article_events in extract_articles(nlp_, parsed):
        for ev in article_events:
            print(ev.model_dump_json())  # noqa: T201 - this command prints events
