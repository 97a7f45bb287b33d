"""Troop deployments (`deployments`)."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from services.extract.events.common import (
    Found,
    _phase,
    _preceding_actors,
    _sentences_before,
    _troop_noun,
)
from services.extract.pipeline import TRIGGER_KEY
from services.extract.quantities import parse_quantity
from services.extract.view import (
    DUE_WORDS,
    READY_WORDS,
    TO_PREPS,
    Actor,
    DocView,
    Fields,
    Lexicon,
    _actor_at,
    destination_of,
    first_country,
    governing_verb,
    np_actors,
    prep_objects,
    sentence_actors,
    speaker_for,
    subject_of,
)

QUANTIFIER_WORDS = frozenset(
    [
        *("upward", "upwards", "of", "more", "than", "over", "some", "about", "around"),
        *("nearly", "almost", "roughly", "approximately", "at", "least", "as", "many"),
        *("up", "to", "between", "and", "an", "a", "estimated"),
    ]
)


def deployments(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """troop_deployment from "sent 10,000 troops to X", "troops deployed in Y", "deployment of"."""
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    word = trig.lower_
    origin: str | None = None
    destination: Actor | None = None
    troops: Token | None = None
    quantity_head: Token | None = None
    co_origins: list[str] = []
    confidence = 0.6
    elided: tuple[Token, Token] | None = None
    if is_noun:
        if not word.startswith(NOMINAL_STEMS):
            return []
        troops = _troop_noun(view, [o for p, o in prep_objects(trig, ("of",))])
        compound = [c for c in trig.children if c.dep_ == "compound" and c.i in view.troop_at]
        if troops is None and not compound:
            return []
        owners = [
            a
            for c in trig.children
            if c.dep_ in ("poss", "amod", "compound")
            for a in np_actors(view, c)
        ]
        if troops is not None:
            owners += np_actors(view, troops, conj=False)
        origin = first_country(owners)
        if origin is None:
            return []
        destination = destination_of(view, [trig] + ([troops] if troops is not None else []), lex)
        quantity_head = troops
    else:
        if trig.dep_ == "acl" and trig.head.i in view.troop_at:
            troops = trig.head
        else:
            objects = [c for c in trig.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
            objects += _range_objects(trig)
            troops = _troop_noun(view, objects) or _strong_group(objects)
            if word in HAVE_WORDS and not _kept_abroad(view, trig, troops):
                return []
            elided = _elided_troops(view, trig, objects) if troops is None else None
            if elided is not None:
                # "Botswana dispatched 300 more": the troops of the clause before, this count.
                troops, quantity_head = elided
            moving = word in lex.words["troop_subject_verbs"] or word in FLYING_WORDS
            # "troops left the airport": the object of leaving is the place left; "troops
            # entered Gambia": the object of entering is the place entered.
            leaving = word in LEAVE_WORDS or word in ENTER_WORDS
            unplaced = (
                troops is None
                and moving
                and (leaving or not any(c.dep_ in ("dobj", "obj") for c in trig.children))
            )
            if unplaced:
                # "troops remained in X", "a contingent of soldiers would arrive": the troops
                # are the subject (a verb with an object of its own moves something else).
                # ... also of a raising copula ("1,200 marines are due to arrive").
                subj = subject_of(trig, READY_WORDS | DUE_WORDS)
                if subj is not None:
                    troops = _troop_noun(view, [subj])
            if (
                troops is None
                and any(c.dep_ == "auxpass" for c in trig.children)
                and (unplaced or not objects)
            ):
                # "upward of 11,000 soldiers have been deployed": a subject the parser lost
                # (on the raising verb: "between 2,000 and 2,500 personnel are believed
                # to be stationed"; "between 900 and 1,200 more troops will be sent").
                scope = trig.head if trig.dep_ == "xcomp" else trig
                left = [t for t in scope.subtree if t.i < trig.i and t.i in view.troop_at]
                troops = left[0] if left else None
            if troops is None:
                return []
            if (
                quantity_head is None
                and troops.dep_ == "pobj"
                and troops.head.head.pos_ not in ("VERB", "AUX")
            ):
                quantity_head = troops.head.head
        if troops is None:
            return []
        if quantity_head is None:
            quantity_head = troops
            # "a battalion of about 600 soldiers": the count sits on the inner troop noun,
            # which the parser may hang lower ("a contingent for the mission, of 600 soldiers").
            inner = [
                o
                for t in troops.subtree
                for _, o in prep_objects(t, ("of",))
                if o.i in view.troop_at and o.i > troops.i
            ]
            if inner:
                troops = inner[0]
        subj = subject_of(trig)
        passive = troops.dep_ == "nsubjpass" or trig.dep_ == "acl"
        if subj is not None and subj.i in view.troop_at:
            passive = True
        own = np_actors(view, troops, conj=False)
        if quantity_head is not troops:
            own += np_actors(view, quantity_head, conj=False)
        hosted = _host_sides(view, trig, troops, own) if word in HOST_WORDS else None
        if word in HOST_WORDS and hosted is None:
            return []
        if hosted is not None:
            origin, destination = hosted
            co_origins = _conjoined_modifiers(view, troops, origin)
        elif passive or subj is None:
            origin = first_country(own)
            if origin is None:
                agent = [o for p, o in prep_objects(trig, ("by",))]
                origin = first_country([a for o in agent for a in np_actors(view, o)])
            if origin is None:
                origin = _infinitive_owner(view, trig)
            if origin is None and troops.dep_ == "nsubjpass" and not own:
                origin = _announcing_state(view, trig)
            # "Senegalese and Ghanaian troops were deployed": each country's troops.
            co_origins = _conjoined_modifiers(view, troops, origin)
        else:
            speaker = speaker_for(subj)
            origin = (
                first_country(np_actors(view, subj))
                or first_country(own)
                or (first_country(np_actors(view, speaker)) if speaker is not None else None)
            )
            # "Jamaica and Belize contributed contingents": each country sends its own.
            co_origins = _conjoined_countries(view, subj, origin)
            if speaker is not None and not np_actors(view, subj):
                # "Peru and Chile said they would send troops": each speaker sends its own.
                co_origins = _conjoined_countries(view, speaker, origin)
        if origin is None:
            return []
        # "troops left Syria": the place left is no destination.
        if hosted is None:
            destination = destination_of(view, [trig], lex, objects=word not in LEAVE_WORDS)
        if destination is None and hosted is None and troops.dep_ in ("dobj", "obj", "pobj"):
            # "will station 300 soldiers in Poland": the place the parser hung on the troops.
            destination = _placed_troops(view, troops)
        if destination is None and elided is not None:
            destination = destination_of(view, [trig.head], lex)
        if destination is None and word in LEAVE_WORDS:
            return []  # leaving says where troops go only with "for X" or "to join ... in X"
        if (
            destination is None
            and word in RETURN_WORDS
            and (
                any(c.lower_ == "home" for c in trig.children)
                or any(True for _ in prep_objects(trig, ("from",)))
            )
        ):
            return []  # "returned home from X": the place left is no destination
    dest = destination.iso3 if destination else None
    if dest is None and not is_noun and _on_own_ground(trig):
        return []  # "X keeps troops along its border": at home, no deployment abroad
    if dest is None or dest == origin:
        confidence -= 0.15
        # "flown in from Japan": where troops come from is not where they go.
        source = {t.i for _, o in prep_objects(trig, ("from",)) for t in o.subtree}
        others = [
            a.iso3
            for a in sentence_actors(view, sent, lex, trig)
            if a.iso3 != origin
            and a.iso3 not in co_origins
            and a.token not in source
            and a.iso3 not in _fellow_senders(view, sent, trig)
        ]
        unknown_place = any(
            (o.ent_type_ in ("GPE", "LOC") and o.i not in view.country_at)
            # "returned to the Kamina base": a named site of no named country.
            or (
                o.lower_ in SITE_NOUNS
                and any(c.pos_ == "PROPN" and c.i not in view.country_at for c in o.lefts)
            )
            for _, o in prep_objects(trig, TO_PREPS)
        )
        # "Guatemala sent 150 military police in January": a sender naming no place at all
        # sends to the place of the story.
        placeless = (
            not is_noun
            and word in SENDING_VERBS
            and all(
                o.ent_type_ in ("DATE", "TIME")
                # "flown in for the drill": a purpose, not a place.
                or (p == "for" and o.ent_type_ not in ("GPE", "LOC") and o.i not in view.country_at)
                or _to_drill(view, o)
                for p, o in prep_objects(trig, (*TO_PREPS, "at"))
            )
        )
        if not others and (source or unknown_place or placeless):
            # "flown in from Japan", "landed in East Java" with no other country named:
            # the place of the story, from the sentences before.
            # A country named outright ("Lithuania is hosting") sets a scene; a demonym
            # ("Dutch soldiers") usually describes other movers.
            setting = sorted(
                _preceding_actors(view, sent, lex),
                key=lambda a: (
                    a.token not in view.country_at
                    or view.country_at[a.token].kb_id_ not in ("names", "capitals")
                ),
            )
            # Senders told just before ("X and Y each contributed a battalion. Z dispatched
            # police") are not where the story is.
            senders = {
                c
                for prev in _sentences_before(view, sent)
                for c in _fellow_senders(view, prev, trig)
            }
            others = [
                a.iso3
                for a in setting
                if a.iso3 != origin and a.iso3 not in co_origins and a.iso3 not in senders
            ]
            others = [c for c in others if c not in _source_countries(view, trig)]
            if unknown_place:
                # "Chile's defence ministry said the soldiers were posted to a base near
                # Calama": a government speaking of a place it does not name the country of
                # speaks of its own territory.
                home = _speaking_state(view, sent)
                if home is not None and home != origin:
                    others = [home, *others]
        if not others:
            return []
        dest = others[0]
    if dest == origin:
        return []
    qtext = ""
    unit = None
    if quantity_head is not None:
        last = troops.i if troops is not None and troops.i > quantity_head.i else quantity_head.i
        left = [t for t in quantity_head.subtree if t.i <= last]
        # Quantifiers the parser hangs elsewhere ("upward of 11,000 soldiers").
        first = left[0].i if left else quantity_head.i
        while first > sent.start and (
            view.doc[first - 1].lower_ in QUANTIFIER_WORDS
            # "between 1,000 and 1,500 troops": the range's first bound the parser hung apart.
            or (
                view.doc[first - 1].like_num
                and first - 2 >= sent.start
                and view.doc[first - 2].lower_ in ("between", "from")
            )
        ):
            first -= 1
        qtext = " ".join(t.text for t in view.doc[first : left[0].i]) + " " if left else ""
        qtext += " ".join(t.text for t in left)
        for t in quantity_head.subtree:
            if t.i in view.unit_at:
                unit = view.unit_at[t.i]
                break
    lo, hi, additional = parse_quantity(qtext)
    if VAGUE_SCALE.search(qtext):
        lo, hi = None, None  # "several thousand troops" gives no number
    if lo is None and hi is None and quantity_head is not None:
        lo, hi, _ = parse_quantity(_counted_aside(quantity_head, troops))
    if lo is None and hi is None and quantity_head is not None:
        confidence -= 0.05
    fields: Fields = {
        "origin": origin,
        "destination": dest,
        "troops_min": lo,
        "troops_max": hi,
        "unit": unit,
        "additional": additional,
        "phase": ("ongoing" if word in HAVE_WORDS else _phase(word)) if not is_noun else None,
    }
    found = [Found("troop_deployment", fields, sent, trig, confidence)]
    if troops is not None and not is_noun:
        for place, (glo, ghi) in _gapped_counts(view, troops, origin):
            more = {**fields, "destination": place, "troops_min": glo, "troops_max": ghi}
            found.append(Found("troop_deployment", more, sent, trig, confidence))
    for other in co_origins:
        if other != dest:
            found.append(
                Found("troop_deployment", {**fields, "origin": other}, sent, trig, confidence)
            )
    return found


# Places a country's troops can be on its own ground ("along its border", "on their soil").
OWN_GROUND = frozenset(
    [
        *("border", "borders", "frontier", "frontiers", "territory", "soil", "coast"),
        *("coastline", "coasts", "borderlands", "side"),
    ]
)


def _on_own_ground(trig: Token) -> bool:
    """Troops placed on the ground of the one who places them ("Chile moved 600 soldiers to
    its northern border", "keeps troops along their frontier"): "its"/"their" before a border
    or territory names no other country, so the troops stay at home. Only a sender that is the
    verb's subject owns that ground ("X will not let Y's forces be based on its soil": X's)."""
    if not any(c.dep_ == "nsubj" for c in trig.children) or any(
        c.dep_ == "auxpass" for c in trig.children
    ):
        return False
    for child in trig.children:
        if child.dep_ != "prep":
            continue
        for pobj in (c for c in child.children if c.dep_ == "pobj"):
            own = any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in pobj.children)
            if own and pobj.lower_ in OWN_GROUND:
                return True
    return False


# Verbs of a country having troops somewhere ("Kenya has 400 police officers in Haiti").
HAVE_WORDS = frozenset(["has", "have", "had"])


def _range_objects(trig: Token) -> list[Token]:
    """ "station between 250 and 300 soldiers": a counted range the parser read as a
    "between" phrase of the verb is the verb's object."""
    return [
        pobj
        for _, pobj in prep_objects(trig, ("between",))
        if any(c.dep_ == "nummod" and any(cc.like_num for cc in c.conjuncts) for c in pobj.children)
    ]


def _placed_troops(view: DocView, troops: Token) -> Actor | None:
    """The country of an "in"/"to" phrase hung on the troop noun itself ("deploy 300 soldiers
    in Poland"), a place named by no person."""
    for _, pobj in [*prep_objects(troops, ("in", "to", "into")), *_participle_places(troops)]:
        actors = [a for a in np_actors(view, pobj) if a.person is None]
        if actors and actors[0].iso3:
            return actors[0]
    return None


def _kept_abroad(view: DocView, trig: Token, troops: Token | None) -> bool:
    """ "Kenya currently has between 1,500 and 2,000 troops in Haiti": having is a deployment
    only as a main verb with counted troops as its object and a named country they are in."""
    if trig.pos_ != "VERB" or troops is None or troops.dep_ not in ("dobj", "obj", "pobj"):
        return False
    if not any(c.dep_ == "nummod" for c in troops.children):
        return False
    places = [o for _, o in prep_objects(trig, ("in",))] + [
        o for _, o in [*prep_objects(troops, ("in",)), *_participle_places(troops)]
    ]
    return any(a.iso3 and a.person is None for o in places for a in np_actors(view, o))


# Participles that place troops somewhere ("soldiers stationed in X", "troops based in Y").
PLACING_PARTICIPLES = frozenset(["stationed", "based", "deployed", "posted", "garrisoned"])


def _participle_places(troops: Token) -> list[tuple[str, Token]]:
    """The "in" places of a participle hung on the troop noun ("has 900 soldiers stationed
    in Estonia"): where a country keeps the troops it has, as (preposition, object) pairs."""
    return [
        pair
        for child in troops.children
        if child.dep_ == "acl" and child.lower_ in PLACING_PARTICIPLES
        for pair in prep_objects(child, ("in",))
    ]


# Nouns of a deployment ("the deployment of", "Turkey's dispatch of", "the stationing of",
# "the arrival of 300 Rwandan troops in Mozambique").
NOMINAL_STEMS = ("deploy", "dispatch", "stationing", "airlift", "arrival")
# Verbs whose subject is where troops are ("Estonia will host British soldiers").
HOST_WORDS = frozenset(["host", "hosts", "hosted", "hosting"])


def _host_sides(
    view: DocView, trig: Token, troops: Token, own: list[Actor]
) -> tuple[str, Actor] | None:
    """The sides of troops a country hosts: the troops' own country sends them to the host,
    the subject ("Estonia will host 300 British soldiers") or the agent of a passive ("troops
    hosted by Poland"); troops of no named country or a host of none tell no deployment."""
    origin = first_country(own)
    agents = [o for _, o in prep_objects(trig, ("by",))]
    subj = agents[0] if agents else subject_of(trig)
    if origin is None or subj is None or subj.i in view.troop_at:
        return None
    host = next((a for a in np_actors(view, subj) if a.iso3 and a.person is None), None)
    if host is None or host.iso3 == origin:
        return None
    return origin, host


ENTER_WORDS = frozenset(
    [
        *("enter", "enters", "entered", "entering", "cross", "crosses", "crossed", "crossing"),
        *("reach", "reaches", "reached", "reaching"),
    ]
)
# "several thousand troops": a scale with no number is no count.
VAGUE_SCALE = re.compile(r"\b(?:several|a\s+few|few|many)\s+(?:hundred|thousand)\b", re.I)
COUNTING_PARTICIPLES = frozenset(["numbering", "totalling", "totaling", "estimated"])


def _counted_aside(quantity_head: Token, troops: Token | None) -> str:
    """The count of a participle set beside the troops ("troops, numbering between 1,200 and
    1,500, entered ..."), as text; empty when there is none."""
    for noun in (quantity_head, troops):
        if noun is None:
            continue
        for child in noun.children:
            if child.dep_ == "acl" and child.lower_ in COUNTING_PARTICIPLES:
                return " ".join(t.text for t in child.subtree if t.i > child.i)
    return ""


def _gapped_counts(
    view: DocView, troops: Token, origin: str
) -> list[tuple[str, tuple[int | None, int | None]]]:
    """ "keeps 1,000 troops in Chad and 1,500 in Djibouti": a bare number conjoined to the
    troops with a place of its own is a second count sent to that place."""
    out: list[tuple[str, tuple[int | None, int | None]]] = []
    for conj in troops.conjuncts:
        if not conj.like_num or conj.i < troops.i:
            continue
        places = [
            a.iso3
            for _, o in prep_objects(conj, ("in", "to", "into"))
            for a in np_actors(view, o)
            if a.iso3
        ]
        if not places or places[0] == origin:
            continue
        text = " ".join(t.text for t in view.doc[conj.left_edge.i : conj.i + 1])
        lo, hi, _ = parse_quantity(text)
        out.append((places[0], (lo, hi)))
    return out


# Nouns of a military body that a "600-strong" makes a body of troops.
MILITARY_GROUPS = frozenset(
    ["unit", "force", "detachment", "company", "regiment", "division", "squadron", "garrison"]
)


def _strong_group(objects: list[Token]) -> Token | None:
    """ "deploy a 600-strong unit": a military body given a head count is a body of troops."""
    for obj in objects:
        if obj.lower_ not in MILITARY_GROUPS:
            continue
        for mod in obj.children:
            if mod.dep_ == "amod" and mod.lower_ in ("strong", "-strong"):
                return obj
            if mod.dep_ == "amod" and mod.lower_.endswith("-strong"):
                return obj
    return None


# Officials and bodies whose word on troops sent is their own state's ("Pakistan's army
# chief said troops would be sent").
STATE_SPEAKERS = frozenset(
    [
        *("government", "ministry", "minister", "army", "military", "chief", "commander"),
        *("spokesman", "spokeswoman", "spokesperson", "president", "premier", "cabinet"),
    ]
)
REPORTING_VERBS = frozenset(["said", "says", "announced", "announces", "confirmed", "stated"])


def _announcing_state(view: DocView, trig: Token) -> str | None:
    """The country of a state official announcing troops of no named country being sent
    ("Pakistan's army chief said more troops would be sent to X")."""
    if trig.dep_ != "ccomp" or trig.head.lower_ not in REPORTING_VERBS:
        return None
    speaker = subject_of(trig.head)
    if speaker is None or speaker.lower_ not in STATE_SPEAKERS:
        return None
    return first_country(np_actors(view, speaker))


# Verbs of troops travelling by air themselves ("150 Zambian troops flew to Haiti").
FLYING_WORDS = frozenset(["fly", "flies", "flew"])
# Objects that stand for a count of the troops named before ("300 more", "another 200").
ELLIPTIC_OBJECTS = frozenset(["more", "others", "another", "further"])


def _elided_troops(view: DocView, trig: Token, objects: list[Token]) -> tuple[Token, Token] | None:
    """ "Tanzania sent 500 soldiers to Mozambique, and Botswana dispatched 300 more": a bare
    count sent in a clause conjoined to one that sends troops counts those troops. Returns
    (the troop noun before, this clause's count)."""
    if trig.dep_ != "conj" or len(objects) != 1:
        return None
    count = objects[0]
    if not (count.like_num or count.lower_ in ELLIPTIC_OBJECTS):
        return None
    if count.lower_ in ELLIPTIC_OBJECTS and not any(c.like_num for c in count.children):
        return None
    before = [c for c in trig.head.children if c.dep_ in ("dobj", "obj")]
    troops = _troop_noun(view, before)
    return (troops, count) if troops is not None else None


def _infinitive_owner(view: DocView, trig: Token) -> str | None:
    """ "Japan's decision to dispatch troops", "it had no plans to send troops": an infinitive
    on a noun is done by the noun's owner, else by the subject of the verb that has the noun."""
    if trig.dep_ != "acl" or not any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children):
        return None
    noun = trig.head
    owners = [
        a
        for c in noun.children
        if c.dep_ in ("poss", "amod", "compound")
        for a in np_actors(view, c)
    ]
    if (origin := first_country(owners)) is not None:
        return origin
    verb = governing_verb(noun)
    subj = subject_of(verb) if verb is not None else None
    if subj is None:
        return None
    speaker = speaker_for(subj)
    return first_country(np_actors(view, subj)) or (
        first_country(np_actors(view, speaker)) if speaker is not None else None
    )


def _conjoined_modifiers(view: DocView, troops: Token, origin: str | None) -> list[str]:
    """The other countries of conjoined modifiers of the troop noun ("Senegalese and Ghanaian
    troops"), each sending its own."""
    out: list[str] = []
    for child in troops.children:
        if child.dep_ not in ("amod", "nmod", "compound"):
            continue
        for conj in child.conjuncts:
            actor = _actor_at(view, conj)
            if actor is not None and actor.iso3 and actor.iso3 != origin and actor.iso3 not in out:
                out.append(actor.iso3)
    return out


# Verbs of a sender giving troops ("sent", "contributed"): the troops go where the story is.
SENDING_VERBS = frozenset(
    [
        *("send", "sends", "sent", "sending", "dispatch", "dispatches", "dispatched"),
        *("dispatching", "contribute", "contributes", "contributed", "contributing"),
        # "1,200 marines are due to arrive by Friday": troops arriving arrive where the story is.
        *("arrive", "arrives", "arrived", "arriving"),
        # "soldiers had been flown in for the drill": flown in to where the story is.
        *("flown", "airlifted"),
    ]
)


def _conjoined_countries(view: DocView, subj: Token, origin: str | None) -> list[str]:
    """The other countries of a conjoined subject ("Jamaica and Belize"), each named alone."""
    out: list[str] = []
    for conj in subj.conjuncts:
        actor = _actor_at(view, conj)
        if actor is not None and actor.iso3 and actor.iso3 != origin and actor.iso3 not in out:
            out.append(actor.iso3)
    return out


def _source_countries(view: DocView, trig: Token) -> set[str]:
    return {a.iso3 for _, o in prep_objects(trig, ("from",)) for a in np_actors(view, o) if a.iso3}


def _fellow_senders(view: DocView, sent: Span, trig: Token) -> set[str]:
    """The senders of the sentence's other troop verbs: "X contributed contingents, while Y sent
    police": one sender is not where the other's troops go."""
    out: set[str] = set()
    for span in view.doc.spans.get(TRIGGER_KEY, []):
        verb = span.root
        if span.label_ != "deploy" or verb.i == trig.i or not sent.start <= verb.i < sent.end:
            continue
        if verb.pos_ not in ("VERB", "AUX") or verb.lower_ in HOST_WORDS:
            continue  # "Lithuania is hosting the drills": a host receives, it sends no one
        subj = subject_of(verb)
        if subj is not None and subj.dep_ == "nsubj":
            out.update(a.iso3 for a in np_actors(view, subj) if a.iso3)
    return out


# Nouns of a military exercise, which troops are sent "to" as to an occasion, not a place.
DRILL_NOUNS = frozenset(
    [
        *("exercise", "exercises", "drill", "drills", "games", "wargames", "war-games"),
        *("maneuvers", "manoeuvres", "maneuver", "manoeuvre"),
    ]
)


def _to_drill(view: DocView, obj: Token) -> bool:
    """ "will send 800 soldiers to the drills": an exercise that names no country or place of
    its own is an occasion; the troops go where the story sets it."""
    return obj.lower_ in DRILL_NOUNS and not any(
        t.i in view.country_at or t.ent_type_ in ("GPE", "LOC") for t in obj.subtree
    )


SITE_NOUNS = frozenset(["base", "airbase", "camp", "garrison", "barracks", "outpost"])
RETURN_WORDS = frozenset(["return", "returns", "returned", "returning"])
LEAVE_WORDS = frozenset(
    ["leave", "leaves", "left", "leaving", "depart", "departs", "departed", "departing"]
)


STATE_BODIES = frozenset(["government", "ministry", "authorities", "junta", "army", "military"])


def _speaking_state(view: DocView, sent: Span) -> str | None:
    """The country whose government is the sentence's main subject ("Niger's government")."""
    subj = subject_of(sent.root)
    if subj is None or subj.lower_ not in STATE_BODIES:
        return None
    return first_country(
        [
            a
            for c in subj.children
            if c.dep_ in ("poss", "amod", "compound")
            for a in np_actors(view, c)
        ]
    )
