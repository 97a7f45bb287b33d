"""Delegation visits: `visits` (X visited Y) and `delegations` (a delegation left for Y)."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from services.extract.events.common import (
    INVITE_VERBS,
    Found,
    _invited_to,
    _leader,
    _np_tokens,
    _phase,
    _unlisted_name,
)
from services.extract.events.transfers import arrived_goods
from services.extract.pipeline import load_gazetteer
from services.extract.view import (
    DUE_WORDS,
    OFFICIALS,
    READY_WORDS,
    Actor,
    DocView,
    Fields,
    Lexicon,
    Person,
    _actor_at,
    _kind_of_title,
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
    if word in BE_PHASES and not _in_place(view, trig):
        return []  # "is in talks", "was in charge": being somewhere is a visit only in a capital
    leader: Person | None = None
    group: Token | None = None  # the delegation or officials that travel
    if word in LEAD_WORDS:
        return _led_team(view, sent, trig, lex)
    if is_noun:
        if _back_reference(trig) or _troops_moving(view, trig):
            return []
        leader = _leader(view, trig)
        verb = governing_verb(trig)
        if leader is None and verb is not None and _invitation_between(verb, trig):
            return []  # "handed X a letter inviting Y to Z for a state visit": no visit yet
        # "during his visit, X ...", "X wrapped up / paid a visit to Y": the subject travels.
        if (
            leader is None
            and verb is not None
            and (trig.head.dep_ == "prep" or trig.dep_ in ("dobj", "obj"))
        ):
            subj = subject_of(verb)
            if subj is not None:
                leader = _leader(view, subj) or _known_by_surname(view, subj)
                titled = any(t.i in view.title_at for t in subj.subtree)
                if leader is None and titled:
                    # "Spain's King Felipe VI began a state visit": a name the NER missed.
                    leader = _unlisted_name(view, subj)
                    group = subj
        dest_tokens = [trig] + ([trig.head] if trig.head.lower_ in ("presence",) else [])
        destination = destination_of(view, dest_tokens, lex) or _toured(view, trig)
        origin_np = trig
    else:
        guest = _visiting_guest(trig)
        if guest is not None:
            return _guest_visit(view, sent, trig, lex, guest)
        # "X met Y and is due to visit Z": the subject the raising copula shares.
        subj = subject_of(trig, READY_WORDS | DUE_WORDS) or _expected_one(trig)
        if subj is not None and subj.lower_ in ("delegation", "delegations"):
            return []  # the delegation noun builds this event
        if subj is None:
            return []
        if _invited_to(trig):
            return []  # "X invited Y to visit Z": the invitation, no visit yet
        leader = _leader(view, subj) or _known_by_surname(view, subj)
        group = subj
        # Teams, tourists and storms travel too: only officials make a delegation visit.
        if leader is None and subj.lower_ not in OFFICIALS and subj.i not in view.title_at:
            # "The first batch of jets from China arrived in Pakistan": arms, not a visit.
            return arrived_goods(view, sent, trig, lex) if word in ARRIVE_WORDS else []
        destination = destination_of(view, [trig], lex)
        origin_np = subj
    phase = BE_PHASES.get(word) or _phase(word) or (_noun_phase(trig) if is_noun else None)
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


# Forms of "be" that, with "in" a capital, put an official on a visit there ("is in Jakarta
# for talks", "will be in Beijing from Monday"), and the phase each tells.
BE_PHASES: dict[str, str | None] = {
    **dict.fromkeys(["is", "are"], "ongoing"),
    **dict.fromkeys(["was", "were"], "completed"),
    "be": None,
    # "is expected in Warsaw next week", "is due in Seoul on Monday": a visit to come.
    **dict.fromkeys(["expected", "due"], "planned"),
}


def _invitation_between(verb: Token, noun: Token) -> bool:
    """Whether the verb a visit noun belongs to invites, or an inviting word stands between
    them ("gave X a letter inviting Y for a state visit"): the visit is what the invitation
    asks for, not a journey of the verb's subject."""
    lo, hi = sorted((verb.i, noun.i))
    return any(t.lower_ in INVITE_VERBS for t in verb.doc[lo:hi])


def _expected_one(trig: Token) -> Token | None:
    """Who "is expected" or "is due" somewhere: the passive subject of "expected", the subject
    of the copula "due" hangs on."""
    if trig.lower_ not in DUE_WORDS:
        return None
    if trig.dep_ == "acomp":
        return next((c for c in trig.head.children if c.dep_ == "nsubj"), None)
    return next((c for c in trig.children if c.dep_ == "nsubjpass"), None)


def _in_place(view: DocView, verb: Token) -> bool:
    """Whether "in" on the verb names a capital ("is in Jakarta"): being in a whole country
    ("is in Laos this week") is left to the verbs and nouns of travel."""
    return any(
        a.iso3 and a.person is None and a.place is not None
        for _, o in prep_objects(verb, ("in",))
        for a in [_actor_at(view, o)]
        if a is not None
    )


def _troops_moving(view: DocView, noun: Token) -> bool:
    """A journey noun whose travellers are troops ("the arrival of 300 Rwandan troops"): a
    deployment, no delegation's visit."""
    return any(o.i in view.troop_at for _, o in prep_objects(noun, ("of",)))


def _visiting_guest(trig: Token) -> Token | None:
    """The official "visiting" describes: "held talks with visiting Indonesian President X",
    and "Visiting Indian Foreign Minister X met ..." read as a clause with X its object."""
    if trig.lower_ != "visiting":
        return None
    if trig.dep_ == "amod":
        return trig.head
    if trig.dep_ == "csubj" and trig.i == trig.sent.start:
        return next((c for c in trig.children if c.dep_ in ("dobj", "obj")), None)
    return None


def _guest_visit(view: DocView, sent: Span, trig: Token, lex: Lexicon, guest: Token) -> list[Found]:
    """A visiting official is on a visit where the clause happens ("in Beijing"), else in the
    country of the host the clause names ("Xi held talks with visiting President X")."""
    leader = _leader(view, guest)
    if leader is None and guest.lower_ not in OFFICIALS and guest.i not in view.title_at:
        return []
    origin = leader.iso3 if leader else first_country(np_actors(view, guest))
    verb = trig.head if trig.dep_ == "csubj" else governing_verb(guest)
    if verb is None:
        return []
    parts = [verb, *(c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubj"))]
    places = [
        a
        for p in parts
        for _, o in prep_objects(p, ("in", "at"))
        for a in np_actors(view, o)
        if a.iso3 and a.person is None
    ]
    hosts = [
        a
        for p in parts
        if p.i != guest.i and guest.i not in [t.i for t in p.subtree]
        for a in np_actors(view, p)
        if a.iso3 and a.iso3 != origin
    ]
    destination = next((a for a in places + hosts if a.iso3 != origin), None)
    if destination is None:
        return []
    return _visit(view, sent, trig, lex, leader, guest, guest, destination, "ongoing")


# Verbs that end a visit ("wrapped up a visit", "the trip ended") or make one ("paid a visit").
END_VERBS = frozenset(
    [
        *("wrapped", "concluded", "ended", "completed", "finished", "wound", "rounded"),
        *("closed", "cut", "capped"),
    ]
)
MADE_VERBS = frozenset(["paid", "made", "undertook", "conducted"])
BEGIN_VERBS = frozenset(["began", "begun", "started", "kicked", "opened", "launched"])
DEPART_VERBS = frozenset(["left", "departed", "returned"])


def _noun_phase(noun: Token) -> str | None:
    """The phase a visit noun's verb tells: ended ("wrapped up a visit", "the trip ended", "left
    Beijing after a five-day visit", "paid a visit on Saturday"), under way ("began a state
    visit", "is on a visit")."""
    head = noun.head
    verb = head.head if noun.dep_ == "pobj" and head.dep_ == "prep" else head
    future = any(c.dep_ == "aux" and c.lower_ in ("will", "would", "to") for c in verb.children)
    if future or (verb.dep_ == "xcomp" and verb.head.lower_ not in ("has", "have", "had")):
        return None  # "will conclude", "is expected to pay": not yet
    if noun.dep_ in ("dobj", "obj", "nsubj") and verb.lower_ in END_VERBS:
        return "completed"
    if noun.dep_ in ("dobj", "obj") and verb.lower_ in MADE_VERBS and verb.tag_ == "VBD":
        return "completed"
    if noun.dep_ in ("dobj", "obj") and verb.lower_ in BEGIN_VERBS:
        return "ongoing"
    if noun.dep_ == "pobj" and head.lower_ == "after" and verb.lower_ in DEPART_VERBS:
        return "completed"
    if noun.dep_ == "pobj" and head.lower_ == "on" and verb.lower_ in ("is", "are"):
        return "ongoing"
    return None


ARRIVE_WORDS = frozenset(["arrive", "arrives", "arrived", "arriving", "landed"])
LEAD_PARTICIPLES = frozenset(["led", "headed", "chaired"])


def _leader_inside(view: DocView, group: Token) -> Person | None:
    """The leader of "a delegation from Myanmar's military government, headed by X": the
    parser hangs "headed by" on the nearest noun of the group's phrase, not on the group."""
    for tok in group.subtree:
        if tok.dep_ != "acl" or tok.lower_ not in LEAD_PARTICIPLES or tok.head.i == group.i:
            continue
        for _, pobj in prep_objects(tok, ("by",)):
            person = view.person_at.get(pobj.i) or _unlisted_name(view, pobj)
            if person is not None:
                return person
    return None


def _known_by_surname(view: DocView, tok: Token) -> Person | None:
    """A well-known official written by surname alone that the NER took for something else
    ("Lavrov arrived in Pyongyang"): the one official of the gazetteer with that surname."""
    if tok.pos_ != "PROPN" or not tok.is_title or len(tok.text) < 4 or tok.i in view.country_at:
        return None
    if tok.ent_type_ not in ("", "ORG", "PERSON", "NORP"):
        return None
    if any(c.dep_ in ("compound", "amod", "det") for c in tok.children):
        return None  # part of a longer name or a noun phrase
    rows = load_gazetteer().people_by_surname.get(tok.lower_, [])
    if len(rows) != 1:
        return None
    row = rows[0]
    title = row.get("title")
    kind = _kind_of_title(title, load_gazetteer()) if title else None
    return Person(name=row["name"], iso3=row["iso3"], title=title, kind=kind)


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
    leader = _leader(view, trig) or _leader_inside(view, trig)
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
    host = _receiving_host(view, trig, verb, lex)
    if host is not None:
        destination = host
        # "received X and his delegation": X's side is the visiting one.
        while origin_np.dep_ == "conj" and origin_np.head.i != origin_np.i:
            origin_np = origin_np.head
        if leader is None and origin_np is not trig:
            leader = _leader(view, origin_np) or _known_by_surname(view, origin_np)
    if trig.dep_ in ("dobj", "obj"):
        subj = subject_of(verb)
        if subj is not None and not np_actors(view, trig):
            origin_np = subj
    phase = _phase(verb.lower_)
    if verb.lower_ in ("is", "are", "was", "were"):
        phase = "ongoing"
    return _visit(view, sent, trig, lex, leader, origin_np, trig, destination, phase)


def _receiving_host(view: DocView, trig: Token, verb: Token, lex: Lexicon) -> Actor | None:
    """ "X received a Chilean delegation", "X welcomed Y and her delegation": the country of
    the subject of a receiving verb whose object is the delegation hosts the visit (the
    object is who comes, not where they go)."""
    if verb.lower_ not in lex.words["meeting_host_verbs"]:
        return None
    obj = trig
    while obj.dep_ == "conj" and obj.head.i != obj.i:
        obj = obj.head
    if obj.dep_ not in ("dobj", "obj") or obj.head.i != verb.i:
        return None
    subj = subject_of(verb)
    if subj is None:
        return None
    return next((a for a in np_actors(view, subj) if a.iso3), None)


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
    # "to Washington" on the verb or on the team ("led a delegation to Addis Ababa").
    goals = [o for h in (trig, *teams) for _, o in prep_objects(h, ("to",))]
    if not teams or not goals:
        return []
    subj = subject_of(trig)
    # "The Kenyan defence minister, X, led a delegation": the office's name in apposition.
    leader = _leader(view, subj) if subj is not None else None
    if leader is None:
        return []
    destination = destination_of(view, [trig, *teams], lex)
    if destination is None:
        return []
    return _visit(view, sent, trig, lex, leader, teams[0], teams[0], destination, None)
