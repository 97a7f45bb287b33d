"""Meetings between officials or countries (`meetings`)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from services.extract.events.common import (
    Found,
    _invited_to,
    _phase,
    _sentences_before,
)
from services.extract.events.visits import _expected_one, _visit
from services.extract.view import (
    DUE_WORDS,
    READY_WORDS,
    Actor,
    DocView,
    Fields,
    Lexicon,
    _dedupe_actors,
    destination_of,
    governing_verb,
    np_actors,
    prep_objects,
    subject_of,
)


def _courtesy_call(trig: Token) -> bool:
    """ "paid a courtesy call on the president": a call of courtesy is a visit in person, and
    the one it is paid "on" is the other side."""
    return trig.lower_ in ("call", "calls") and any(
        c.dep_ in ("compound", "amod") and c.lower_ == "courtesy" for c in trig.children
    )


def meetings(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """meeting from "met with", "held talks", "phone call", "summit between"."""
    word = trig.lower_
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    if trig.dep_ == "compound" and word not in ("phone", "telephone"):
        return []
    sent_words = {t.lower_ for t in sent}
    phone = bool(sent_words & lex.words["phone_words"] - {"call"}) or word == "phoned"
    video = bool(sent_words & lex.words["video_words"])
    remote = ("call", "calls", "conversation", "conversations", "spoke", "speaks", "talked")
    courtesy = _courtesy_call(trig)
    if word in remote and not (phone or video or courtesy):
        return []
    if word == "meeting" and not is_noun and trig.pos_ != "VERB":
        return []
    if word.startswith("conference") and not (phone or video):
        return []  # a press conference or a forum, not a call between two sides
    hosting = word in lex.words["meeting_host_verbs"]
    if hosting and (is_noun or trig.pos_ != "VERB"):
        return []
    parts: list[Actor] = []
    if hosting:
        # "X was received by Y": the one received is a side too.
        received = [c for c in trig.children if c.dep_ == "nsubjpass"]
        if trig.dep_ == "relcl" and any(c.tag_ == "WP" for c in received):
            # "X, who was received by Y": the relative pronoun stands for X.
            received = [trig.head]
        if (
            not received
            and trig.dep_ == "xcomp"
            and any(c.dep_ == "auxpass" for c in trig.children)
        ):
            # "X is scheduled / due to be received by Y": the subject of the raising verb.
            raiser = trig.head.head if trig.head.dep_ == "acomp" else trig.head
            received = [c for c in raiser.children if c.dep_ in ("nsubj", "nsubjpass")]
        if (
            not received
            and trig.dep_ == "conj"
            and any(c.dep_ == "auxpass" for c in trig.children)
            and (shared := subject_of(trig.head)) is not None
        ):
            # "X flew to Y and was received by Z": the subject the conjoined verbs share.
            received = [shared]
        for child in received:
            parts.extend(np_actors(view, child))
            # ... and the host, its agent ("was received by the head of state, X").
            for _, agent in prep_objects(trig, ("by",)):
                parts.extend(np_actors(view, agent))
                # "by the head of state, General X,": the name the parser hung on the verb.
                parts.extend(
                    a
                    for c in trig.children
                    if c.dep_ in ("npadvmod", "appos") and c.i > agent.i
                    for a in np_actors(view, c)
                    if a.person
                )
    verb = trig if not is_noun else governing_verb(trig)
    if is_noun and verb is not None and _invited_to(verb):
        return []  # "invited X to attend the summit": the invitation, no meeting yet
    for _, pobj in prep_objects(trig, ("between", "with", "among") + (("on",) if courtesy else ())):
        parts.extend(np_actors(view, pobj))
    if is_noun and not parts:
        # "negotiations in Doha that began on Saturday between X and Y": the sides hang on a
        # clause inside the noun's phrase ("two days of talks that opened ... between").
        scope = trig.head.head if trig.dep_ == "pobj" and trig.head.lower_ == "of" else trig
        for clause in scope.subtree:
            if clause.dep_ in ("relcl", "acl") and clause.pos_ == "VERB":
                for _, pobj in prep_objects(clause, ("between",)):
                    parts.extend(np_actors(view, pobj))
    if is_noun and not parts:
        parts.extend(_hosts_and_guests(view, trig, verb))
    for child in trig.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            parts.extend(np_actors(view, child))
    # "in a video conference", "on a conference call": a conference held remotely is a meeting.
    remote_conference = word.startswith("conference") and (phone or video)
    if is_noun and word not in lex.words["meeting_strong"] and not remote_conference:
        # "talks", "negotiations": a meeting only when held or when its sides are named.
        held = verb is not None and (
            verb.lower_ in lex.words["meeting_verbs"] or _purpose_of_stay(view, trig, verb)
        )
        if not held and len([a for a in parts if a.person]) < 2:
            return []
    discuss = verb is not None and verb.lower_ in lex.words["meeting_with_verbs"]
    if discuss and verb is not None and verb.i != trig.i and trig.dep_ != "pobj":
        return []  # "the issues discussed at the meeting": the noun builds it
    if verb is not None and (not is_noun or trig.dep_ in ("dobj", "obj", "pobj")):
        subj = subject_of(verb) or _expected_one(verb)
        partner_named = any(
            a.person for _, o in prep_objects(trig, ("with",)) for a in np_actors(view, o)
        )
        raised = subject_of(verb, READY_WORDS | DUE_WORDS) if subj is None else None
        if raised is not None and (raised.conjuncts or partner_named):
            # "X and his counterpart Y are due to meet": both sides are the raised subject;
            # "X is due to hold talks with Y": the raised subject is one side.
            subj = raised
        if subj is not None:
            parts = np_actors(view, subj) + parts
            if not any(a.person for a in parts):
                # "The two leaders met at the palace": the two named just before.
                parts = _pair_named_before(view, subj, sent) + parts
            # "X and his counterpart Y held talks": the parser may give the verb two subjects.
            for other in verb.children:
                if other.dep_ == "nsubj" and other.i != subj.i and subj.dep_ == "nsubj":
                    parts = parts + np_actors(view, other)
            parts = _listed_before_subject(view, verb, subj) + parts
        # "discussed the situation with X": the parser often hangs "with" on the object.
        holders = [verb] + [c for c in verb.children if c.dep_ in ("dobj", "obj")]
        # "reviewed progress on the corridor with X": or on the object's own prepositional
        # phrase.
        holders += [o for h in holders[1:] for p, o in prep_objects(h, ("on", "of", "in", "over"))]
        # "spoke by telephone with X", "talked over a video link with X": "with" on the medium.
        holders += [
            o
            for _, o in prep_objects(verb, ("by", "over", "via", "on", "in"))
            if o.lower_ in lex.words["phone_words"] | lex.words["video_words"]
            or o.lower_ in ("link", "call", "conference", "videoconference")
        ]
        partners = [
            a
            for h in holders
            for _, o in prep_objects(h, _partner_preps(verb))
            for a in np_actors(view, o)
        ]
        partners += _appositive_partners(view, verb, holders)
        if discuss and not partners and not _two_sides(parts):
            return []  # "X discussed Y" without a counterpart is no meeting
        parts.extend(partners)
        if not is_noun and not discuss:
            # "Kim met Putin": the object is the other side.
            for child in verb.children:
                if child.dep_ in ("dobj", "obj"):
                    parts.extend(np_actors(view, child))
                # "met his Turkish counterpart Hakan Fidan": the parser may hang the name on
                # the verb, just after the object.
                if (
                    child.dep_ in ("npadvmod", "appos")
                    and child.i in view.person_at
                    and any(
                        o.dep_ in ("dobj", "obj") and o.right_edge.i + 1 == child.left_edge.i
                        for o in verb.children
                    )
                ):
                    parts.extend(np_actors(view, child))
                # "received visiting Lao Prime Minister X": the parser makes X its object.
                if child.dep_ in ("xcomp", "advcl", "amod") and child.lower_ == "visiting":
                    for obj in child.children:
                        if obj.dep_ in ("dobj", "obj"):
                            parts.extend(np_actors(view, obj))
    people = _dedupe_actors([a for a in parts if a.person])
    countries = sorted({a.iso3 for a in parts if a.iso3})
    if len(people) < 2 and len(countries) < 2:
        return []
    # "hosted the leaders of Kenya and Uganda": officials of named countries are guests.
    guests = _hosted_countries(view, trig) if hosting and not is_noun else []
    if hosting and len(people) < 2 and not (people and guests):
        return []  # "hosted the games", "received the drones": no counterpart in person
    place = None
    where = [t for t in (trig, verb) if t is not None]
    where += [o for t in list(where) for _, o in prep_objects(t, ("with",))]
    if not is_noun and not discuss:
        # "met Chinese President Xi Jinping in Beijing": the place may hang on the object (but
        # "discussed the situation in Khartoum" names a topic, not where they met).
        where += [c for c in trig.children if c.dep_ in ("dobj", "obj")]
    if hosting:
        # The guest is the object: only a preposition tells the place ("hosted X in Y").
        place_actor = next(
            (
                a
                for t in where
                for _, o in prep_objects(t, ("in", "at"))
                for a in np_actors(view, o)
            ),
            None,
        )
    else:
        place_actor = destination_of(view, where, lex)
    if place_actor is not None:
        place = place_actor.place
    fmt = "video" if video else "phone" if phone else "in_person"
    fields: Fields = {
        "participants": [a.person for a in people],
        "countries": countries,
        "place": place,
        "format": fmt,
    }
    found = [Found("meeting", fields, sent, trig, 0.6 + 0.1 * min(len(people), 3))]
    host = view.people.get(people[0].person or "") if guests else None
    home = place_actor.iso3 if place_actor is not None and place_actor.iso3 else None
    home = home or (host.iso3 if host is not None else None)
    if guests and home is not None and fmt == "in_person":
        # ... who came to the host's country: each guest's side is on a visit there.
        for iso in guests:
            if iso == home:
                continue
            visit: Fields = {
                "origin": iso,
                "destination": home,
                "place": place,
                "leader": None,
                "leader_title": None,
                "delegation_kind": "diplomatic",
                "phase": _phase(word),
            }
            found.append(Found("delegation_visit", visit, sent, trig, 0.6))
        return found
    if word in HOST_VERBS and place_actor is None and fmt == "in_person" and not is_noun:
        found += _guests_visits(view, sent, trig, lex)
        return found
    # A foreign official meeting in the host's capital is on a visit there.
    # Talks on neutral ground ("X and Y met in Abu Dhabi") are no visit to either side.
    neutral = place_actor is not None and place_actor.iso3 not in countries
    if place_actor is not None and place_actor.iso3 and fmt == "in_person" and not is_noun:
        if neutral and len(countries) >= 2:
            return found
        for actor in people:
            person = view.people.get(actor.person or "")
            if person is not None and person.iso3 and person.iso3 != place_actor.iso3:
                found += _visit(view, sent, trig, lex, person, trig, None, place_actor, "ongoing")
    return found


def _listed_before_subject(view: DocView, verb: Token, subj: Token) -> list[Actor]:
    """The first names of a list of subjects that the parser cut off and hung on the verb
    ("A, B and C met": A read as a modifier of "met"): a named person just before the
    subject, a comma between, is a subject too."""
    out: list[Actor] = []
    for child in verb.children:
        if child.dep_ not in ("npadvmod", "appos", "dep") or child.i >= subj.i:
            continue
        after = child.right_edge.i + 1
        if view.doc[after].text != "," or after + 1 != subj.left_edge.i:
            continue
        out.extend(a for a in np_actors(view, child) if a.person)
    return out


def _purpose_of_stay(view: DocView, trig: Token, verb: Token) -> bool:
    """ "is in Hanoi / is expected in Hanoi / arrived in Hanoi for talks with X": talks that
    are the purpose of a person's stay or journey, with a named person, are held with that
    person."""
    return (
        trig.dep_ == "pobj"
        and trig.head.lower_ == "for"
        and trig.head.head.i == verb.i
        and any(a.person for _, o in prep_objects(trig, ("with",)) for a in np_actors(view, o))
        and any(
            a.person
            for s in (subject_of(verb), _expected_one(verb))
            if s is not None
            for a in np_actors(view, s)
        )
    )


# Officials a head of state or government hosts ("hosted the leaders of X and Y").
HOSTED_OFFICIALS = frozenset(
    [
        *("leaders", "leader", "presidents", "president", "heads", "head", "premiers"),
        *("ministers", "minister", "counterparts", "counterpart", "delegations", "delegation"),
    ]
)


def _hosted_countries(view: DocView, trig: Token) -> list[str]:
    """The countries whose officials a host received: "hosted the leaders of X and Y"."""
    out: list[str] = []
    for obj in trig.children:
        if obj.dep_ not in ("dobj", "obj") or obj.lower_ not in HOSTED_OFFICIALS:
            continue
        if any(a.person for a in np_actors(view, obj)):
            continue  # a named guest is a side in person already
        for _, pobj in prep_objects(obj, ("of", "from")):
            out += [a.iso3 for a in np_actors(view, pobj) if a.iso3 and a.iso3 not in out]
    return out


# Verbs of who hosts or attends talks ("talks hosted by X and attended by Y").
TALKS_ROLE_VERBS = frozenset(
    ["hosted", "co-hosted", "attended", "chaired", "co-chaired", "mediated", "brokered"]
)


def _hosts_and_guests(view: DocView, trig: Token, verb: Token | None) -> list[Actor]:
    """The people of "talks hosted by X and attended by Y" (the parser may hang the second
    participle on the main verb instead), and of "the summit was chaired by X and attended by
    Y", where the meeting is the passive verb's subject."""
    clauses = [c for c in trig.children if c.dep_ == "acl" and c.lower_ in TALKS_ROLE_VERBS]
    if trig.dep_ == "nsubjpass" and trig.head.lower_ in TALKS_ROLE_VERBS:
        clauses.append(trig.head)
    clauses += [v for c in clauses for v in c.conjuncts]
    if clauses and verb is not None:
        clauses += [v for v in verb.conjuncts if v.lower_ in TALKS_ROLE_VERBS]
    return [
        a
        for c in clauses
        if c.lower_ in TALKS_ROLE_VERBS
        for _, agent in prep_objects(c, ("by",))
        for a in np_actors(view, agent)
        if a.person
    ]


def _two_sides(parts: list[Actor]) -> bool:
    """ "Putin and Pezeshkian discussed the visit": officials of two countries as subjects."""
    people = _dedupe_actors([a for a in parts if a.person])
    return len(people) >= 2 and len({a.iso3 for a in people if a.iso3}) >= 2


def _appositive_partners(view: DocView, verb: Token, holders: list[Token]) -> list[Actor]:
    """ "talks with Chile's army chief, General X,": the name in apposition to an office that
    names nobody. The parser hangs it on the office or, often, on the verb just after it."""
    out: list[Actor] = []
    for _, office in (p for h in holders for p in prep_objects(h, ("with",))):
        if any(a.person for a in np_actors(view, office)):
            continue
        after = office.right_edge.i + 1
        if after < len(view.doc) and view.doc[after].text == ",":
            after += 1
        candidates = [c for c in office.children if c.dep_ == "appos"]
        candidates += [c for c in verb.children if c.dep_ in ("npadvmod", "appos")]
        for cand in candidates:
            if cand.left_edge.i == after:
                out.extend(a for a in np_actors(view, cand) if a.person)
    return out


# Nouns for a pair of people ("the two leaders", "both ministers", "the two men").
PAIR_NOUNS = frozenset(
    ["leaders", "men", "women", "presidents", "ministers", "premiers", "chiefs", "heads"]
)


def _pair_named_before(view: DocView, np: Token, sent: Span) -> list[Actor]:
    """The two people a subject "the two leaders" stands for: the nearest two named before it,
    in its sentence or the two before."""
    if np.lower_ not in PAIR_NOUNS or not any(c.lower_ in ("two", "both") for c in np.children):
        return []
    first = sent.start
    for prev in _sentences_before(view, sent):
        first = prev.start
    out: list[Actor] = []
    for i in range(np.i - 1, first - 1, -1):
        person = view.person_at.get(i)
        if person is not None and all(a.person != person.name for a in out):
            out.append(Actor(person.iso3, person.name, token=i))
        if len(out) == 2:
            return out
    return []


# Verbs of speaking, whose partner may follow "to" ("spoke to X by phone").
SPEAKING_VERBS = frozenset(["spoke", "speaks", "speak", "speaking", "talked", "talks", "talk"])


def _partner_preps(verb: Token) -> tuple[str, ...]:
    """The prepositions that introduce the other side of a meeting verb: "with", and "to"
    after a verb of speaking ("spoke to X by phone")."""
    return ("with", "to") if verb.lower_ in SPEAKING_VERBS else ("with",)


# Verbs that make their subject the host at home ("X hosted Y"), unlike "received" or
# "welcomed", which a leader also does abroad or at a summit.
HOST_VERBS = frozenset(["host", "hosts", "hosted", "hosting"])


def _guests_visits(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """A named foreign guest a leader hosts ("X hosted Y's emir for talks", "Y was hosted by
    X") is on a visit to the host's country, wherever the sentence leaves the place unsaid."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in trig.children)
    if passive:
        hosts = [o for _, o in prep_objects(trig, ("by",))]
        guests = [c for c in trig.children if c.dep_ == "nsubjpass"]
    else:
        subj = subject_of(trig)
        hosts = [subj] if subj is not None else []
        guests = [c for c in trig.children if c.dep_ in ("dobj", "obj")]
    home = next((a.iso3 for h in hosts for a in np_actors(view, h) if a.person and a.iso3), None)
    if home is None:
        return []
    out: list[Found] = []
    # The guests themselves, not people their appositions name ("X, an ally of Y,").
    for guest in [g for head in guests for g in (head, *head.conjuncts)]:
        person = view.person_at.get(guest.i)
        if person is not None and person.iso3 and person.iso3 != home:
            phase = _phase(trig.lower_)
            out += _visit(view, sent, trig, lex, person, trig, None, Actor(home), phase)
    return out
