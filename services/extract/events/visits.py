"""Delegation visits: `visits` (X visited Y) and `delegations` (a delegation left for Y)."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from services.extract.events.common import (
    Found,
    _invited_to,
    _leader,
    _np_tokens,
    _phase,
    _unlisted_name,
)
from services.extract.view import (
    OFFICIALS,
    Actor,
    DocView,
    Fields,
    Lexicon,
    Person,
    _actor_at,
    destination_of,
    first_country,
    governing_verb,
    np_actors,
    prep_objects,
    subject_of,
)


def _kind_from(view: DocView, toks: Iterable[Token], lex: Lexicon) -> str | None:
    text = " ".join(t.lower_ for t in toks)
    for kind, words in lex.kinds.items():
        if any(f" {w} " in f" {text} " for w in words):
            return kind
    return None


def visits(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """delegation_visit from "visit/trip/travel/arrive/depart" and from delegation nouns."""
    word = trig.lower_
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    if trig.dep_ == "compound":
        return []
    if word in ("leave", "leaves", "left", "leaving") and not any(
        p == "for" for p, _ in prep_objects(trig, ("for",))
    ):
        return []
    if word.startswith("head") and not any(prep_objects(trig, ("to", "for", "toward"))):
        return []
    if word in ("fly", "flies", "flew", "flown") and not any(prep_objects(trig, ("to", "into"))):
        return []
    leader: Person | None = None
    group: Token | None = None  # the delegation or officials that travel
    if word in LEAD_WORDS:
        return _led_team(view, sent, trig, lex)
    if is_noun:
        if _back_reference(trig):
            return []
        leader = _leader(view, trig)
        verb = governing_verb(trig)
        # "during his visit, X ...", "X wrapped up / paid a visit to Y": the subject travels.
        if (
            leader is None
            and verb is not None
            and (trig.head.dep_ == "prep" or trig.dep_ in ("dobj", "obj"))
        ):
            subj = subject_of(verb)
            if subj is not None:
                leader = _leader(view, subj)
                titled = any(t.i in view.title_at for t in subj.subtree)
                if leader is None and titled:
                    # "Spain's King Felipe VI began a state visit": a name the NER missed.
                    leader = _unlisted_name(view, subj)
                    group = subj
        dest_tokens = [trig] + ([trig.head] if trig.head.lower_ in ("presence",) else [])
        destination = destination_of(view, dest_tokens, lex) or _toured(view, trig)
        origin_np = trig
    else:
        subj = subject_of(trig)
        if subj is not None and subj.lower_ in ("delegation", "delegations"):
            return []  # the delegation noun builds this event
        if subj is None:
            return []
        if _invited_to(trig):
            return []  # "X invited Y to visit Z": the invitation, no visit yet
        leader = _leader(view, subj)
        group = subj
        # Teams, tourists and storms travel too: only officials make a delegation visit.
        if leader is None and subj.lower_ not in OFFICIALS and subj.i not in view.title_at:
            return []
        destination = destination_of(view, [trig], lex)
        origin_np = subj
    phase = _phase(word)
    found = _visit(view, sent, trig, lex, leader, origin_np, group, destination, phase)
    # "will visit Malaysia, Vietnam and Cambodia": one visit per country of the tour.
    if found and not is_noun and destination is not None and destination.token in view.country_at:
        seen = {found[0].fields["origin"], destination.iso3}
        for conj in view.country_at[destination.token].root.conjuncts:
            other = _actor_at(view, conj)
            if other is not None and other.iso3 and other.iso3 not in seen:
                seen.add(other.iso3)
                found += _visit(view, sent, trig, lex, leader, origin_np, group, other, phase)
    return found


TOUR_NOUNS = frozenset(["tour", "tours"])


def _toured(view: DocView, noun: Token) -> Actor | None:
    """The country of "a tour of Japan": the place toured, not the touring side."""
    if noun.lower_ not in TOUR_NOUNS:
        return None
    for _, pobj in prep_objects(noun, ("of",)):
        actor = _actor_at(view, pobj)
        named = pobj.i in view.country_at and view.country_at[pobj.i].kb_id_ != "demonyms"
        if actor is not None and actor.person is None and actor.iso3 and named:
            return actor
    return None


def _back_reference(noun: Token) -> bool:
    """A visit told before ("The visit came a day after ...", "during the same visit"), with
    nothing of its own (no owner, no place, no name). A dependent the parser hung past the
    noun's verb is not the noun's own."""
    head = noun.head
    kids = [c for c in noun.children if head.i < noun.i or c.i < head.i]
    definite = any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
        or (c.dep_ == "amod" and c.lower_ == "same")
        for c in kids
    )
    return definite and all(
        c.dep_ in ("det", "punct") or (c.dep_ == "amod" and c.lower_ == "same") for c in kids
    )


def delegations(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """delegation_visit from a delegation noun and the verb it goes with."""
    verb = governing_verb(trig)
    leader = _leader(view, trig)
    toks: list[Token] = [trig]
    if verb is not None:
        toks.append(verb)
    destination = destination_of(view, toks, lex)
    if verb is None:
        return []
    if (
        trig.dep_ == "pobj"
        and trig.head.lower_ == "with"
        and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in trig.children)
    ):
        return []  # "the leaders held talks with their delegations": the hosts' own teams
    if destination is None and (
        trig.dep_ == "poss" or (trig.dep_ == "pobj" and trig.head.lower_ == "of")
    ):
        return []  # "the objectives of the delegation" says nothing of a trip
    # "North Korea sent delegations": the sender is the origin.
    origin_np: Token = trig
    if trig.dep_ in ("dobj", "obj"):
        subj = subject_of(verb)
        if subj is not None and not np_actors(view, trig):
            origin_np = subj
    phase = _phase(verb.lower_)
    if verb.lower_ in ("is", "are", "was", "were"):
        phase = "ongoing"
    return _visit(view, sent, trig, lex, leader, origin_np, trig, destination, phase)


def _visit(
    view: DocView,
    sent: Span,
    trig: Token,
    lex: Lexicon,
    leader: Person | None,
    origin_np: Token,
    group: Token | None,
    destination: Actor | None,
    phase: str | None,
) -> list[Found]:
    origin = leader.iso3 if leader else None
    confidence = 0.6
    if origin is None:
        origin = first_country(
            [
                a
                for a in np_actors(view, origin_np)
                if destination is None or a.iso3 != destination.iso3
            ]
        )
    if group is not None and origin is None:
        origin = first_country(np_actors(view, group))
    kind_toks = _np_tokens(group if group is not None else trig)
    if trig.lower_.startswith("delegation"):
        kind_toks = _np_tokens(trig)
    kind = _kind_from(view, kind_toks, lex)
    if kind is None and leader is not None:
        kind = leader.kind
    fields: Fields = {
        "origin": origin,
        "destination": destination.iso3 if destination else None,
        "place": destination.place if destination else None,
        "leader": leader.name if leader else None,
        "leader_title": leader.title if leader else None,
        "delegation_kind": kind,
        "phase": phase,
    }
    if destination is not None:
        confidence += 0.15
    if leader is not None:
        confidence += 0.1
    # Clubs and companies send delegations too: every event needs a state side.
    heads = [t for t in trig.subtree if t.lower_ in lex.words["non_state_heads"]]
    if heads and (leader is None or leader.title is None):
        return []
    # A bare "the visit" with nobody named is too thin to report.
    bare = leader is None and group is None and not trig.lower_.startswith("delegation")
    if bare and not [a for a in np_actors(view, trig) if a != destination]:
        return []
    return [Found("delegation_visit", fields, sent, trig, confidence)]


LEAD_WORDS = frozenset(["lead", "leads", "led", "leading"])
# Groups an official leads somewhere ("lead a negotiating team to Washington").
TEAM_NOUNS = frozenset(["team", "teams", "mission", "delegation", "delegations"])


def _led_team(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """ "X will lead a trade team to Washington": X visits with the team."""
    if trig.pos_ != "VERB":
        return []
    teams = [c for c in trig.children if c.dep_ in ("dobj", "obj") and c.lower_ in TEAM_NOUNS]
    goals = [o for _, o in prep_objects(trig, ("to",))]
    if not teams or not goals:
        return []
    subj = subject_of(trig)
    leader = view.person_at.get(subj.i) if subj is not None else None
    if leader is None:
        return []
    destination = destination_of(view, [trig], lex)
    if destination is None:
        return []
    return _visit(view, sent, trig, lex, leader, teams[0], teams[0], destination, None)
