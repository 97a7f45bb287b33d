"""Military exercises (`exercises`)."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from services.extract.events.common import (
    Found,
    _collective,
    _name_start,
    _sentences_before,
)
from services.extract.view import (
    DUE_WORDS,
    READY_WORDS,
    Actor,
    DocView,
    Fields,
    Lexicon,
    _actor_at,
    governing_verb,
    np_actors,
    prep_objects,
    subject_of,
)

# Verbs by which a force holds its own exercise (joining one says nothing of who holds it).
EXERCISE_OPENERS = (
    "hold",
    "held",
    "begin",
    "began",
    "begun",
    "launch",
    "stage",
    "conduct",
    "start",
    "open",
)


# Verbs by which those who hold an exercise call it off or put it on hold.
CALLING_OFF = frozenset(
    f"{stem}{end}"
    for stem, ends in (
        ("postpone", ("", "s", "d")),
        ("cancel", ("", "s", "ed", "led")),
        ("suspend", ("", "s", "ed")),
        ("scrap", ("", "s", "ped")),
        ("halt", ("", "s", "ed")),
    )
    for end in ends
)


# Nouns that name a part of a recurring exercise ("the latest round of", "the 21st edition of").
AGREEING_VERBS = frozenset(
    ["agree", "agreed", "agrees", "decide", "decided", "decides", "announced", "confirmed"]
)
PARTITIVES = frozenset(
    [
        *("edition", "round", "phase", "stage", "leg", "part", "iteration"),
        # "ended a week of joint exercises": a stretch of the exercise.
        *("week", "weeks", "days", "month", "fortnight"),
    ]
)
# Verbs by which those who hold an exercise end it ("ended a week of joint drills").
ENDING_VERBS = frozenset(["end", "ends", "ended", "finish", "finishes", "finished"])


def exercises(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """military_exercise from "joint military exercises", "war games", "drills by X and Y"."""
    misparsed = _misparsed_name(view, sent, trig, lex)
    if misparsed is not None:
        return misparsed
    # "held naval drills" with "drills" mistagged as a verb is still the noun.
    mistagged = trig.pos_ not in ("NOUN", "PROPN") and trig.dep_ in ("dobj", "nsubjpass", "pobj")
    # "took part in an exercise code-named Iron Gate": the parser may make the name the head.
    named_after = (
        trig.dep_ == "compound"
        and trig.head.pos_ == "PROPN"
        and trig.head.i > trig.i
        and trig.head.dep_ in ("dobj", "obj", "pobj", "nsubjpass", "nsubj")
    )
    if (trig.pos_ not in ("NOUN", "PROPN") and not mistagged) or (
        trig.dep_ == "compound" and not named_after
    ):
        return []
    left = [t for t in trig.subtree if t.i < trig.i]
    words = {t.lower_ for t in left} | _hyphenated(left)
    if mistagged and not words & lex.words["exercise_modifiers"]:
        return []
    war_games = trig.lower_ in ("games", "war games", "wargames")
    # "China's drills" is military enough; "diplomatic maneuvers" is not.
    national = trig.lower_ in ("drills", "exercises") and any(t.i in view.country_at for t in left)
    # "held the 21st edition of their annual X exercise": the verb governs the part.
    anchor = trig.head if named_after else trig
    if trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.lower_ in PARTITIVES:
        anchor = trig.head.head
    verb = governing_verb(anchor)
    if verb is None and anchor.dep_ == "pobj" and anchor.head.dep_ == "prep":
        # "join Chinese, Russian and Tajik units in the exercise": the parser hangs "in" on
        # the last of the object's conjuncts.
        holder = anchor.head.head
        while holder.dep_ == "conj" and holder.head.i != holder.i:
            holder = holder.head
        if holder.dep_ in ("dobj", "obj") and holder.head.pos_ == "VERB":
            verb = holder.head
    held = (
        verb is not None
        and (
            verb.lower_ in lex.words["exercise_verbs"]
            or verb.lower_ in CALLING_OFF
            or verb.lower_ in ENDING_VERBS
            or _took_part_in(anchor, verb)
        )
        and anchor.dep_ in ("dobj", "obj", "pobj", "nsubjpass")
    )
    # "troops will travel to Kenya for Exercise Green Lion": the purpose of a journey.
    purpose = _journey_purpose(anchor, verb)
    if purpose:
        held = True
    # "troops from both countries are due to begin the drills".
    subj = subject_of(verb, READY_WORDS | DUE_WORDS) if held and verb is not None else None
    if (
        held
        and verb is not None
        and subj is None
        and verb.dep_ == "ccomp"
        and anchor.dep_ == "nsubjpass"
        and verb.head.lower_ in AGREEING_VERBS
    ):
        # "X and Y agreed that the exercise will be held in Z": those who agree hold it.
        subj = subject_of(verb.head)
    # "the navy has begun its exercise", "their armed forces would hold an exercise".
    military = (
        subj is not None
        and verb is not None
        and verb.lower_.startswith(EXERCISE_OPENERS)
        # "Chinese warships and aircraft conducted drills": hardware is military too.
        and any(
            t.i in view.troop_at or t.i in view.item_at or t.lower_ in lex.kinds["military"]
            for t in subj.subtree
        )
    )
    hosts = _exercise_hosts(view, trig) + _hosts_by(view, {trig, anchor})
    # "joined NATO's Nordic Response exercise": a named exercise someone holds or joins.
    given = _name_given_after(trig)
    named = held and (_name_start(trig) < trig.i or named_after or given is not None)
    modified = war_games or bool(words & lex.words["exercise_modifiers"]) or national or named
    if len({a.iso3 for a in hosts if a.iso3}) >= 2:
        # "The exercise ... is co-hosted by the Thai and Malaysian armed forces".
        military = True
    # "drills by Chinese and Russian warships", "drills which involved Egyptian troops".
    members = [o for _, o in prep_objects(trig, ("by", "involving"))] + _involved_objects(trig)
    if any(_is_force(view, o, lex) for o in members):
        military = True
    # "South Korea will not hold drills with the United States": two states drilling together.
    if (
        held
        and subj is not None
        and verb is not None
        and _state_with_partner(view, trig, subj, verb)
    ):
        military = True
    if not modified and not military:
        return []
    countries: list[Actor] = []
    for tok in left:
        actor = _actor_at(view, tok)
        if actor is not None:
            countries.append(actor)
    for child in trig.children:
        if child.dep_ in ("acl", "relcl"):
            for _, pobj in prep_objects(child, ("by",)):
                countries.extend(np_actors(view, pobj))
    involved = _involved(view, trig)
    countries.extend(involved)
    for _, pobj in prep_objects(trig, ("with", "between", "by", "involving", "alongside")):
        countries.extend(np_actors(view, pobj))
    countries.extend(_stray_agents(view, anchor, verb))
    countries.extend(_leaders(view, trig))
    countries.extend(_host_list(view, anchor, verb))
    if countries or held:
        countries.extend(_joining_with(view, [trig, anchor] + ([verb] if verb else [])))
    countries.extend(hosts)
    if held and verb is not None:
        if subj is not None:
            countries = _subject_actors(view, subj) + countries
            if not any(a.iso3 for a in countries):
                countries += _collective(view, subj, sent, lex)
            if verb.lower_.startswith("join") and any(
                c.dep_ == "nsubjpass" and c.lower_ == "they" for c in verb.children
            ):
                # "Last month they were joined by Chile for drills": who joined them, and they.
                countries += _antecedent_actors(view, sent, lex)
        for _, pobj in prep_objects(verb, ("with", "alongside")):
            if _as_observers(pobj):
                continue
            countries.extend(np_actors(view, pobj))
            # "alongside US and Australian troops": every country of the phrase takes part.
            countries.extend(a for t in pobj.subtree if (a := _actor_at(view, t)) is not None)
        if verb.lower_.startswith("join") and anchor.dep_ == "pobj" and anchor.head.lower_ == "in":
            # "Chilean marines joined Peruvian and Colombian troops in the exercise".
            for obj in verb.children:
                # "joined Chinese, Russian and Tajik units": the troop noun may end the list.
                troops = [obj, *obj.conjuncts]
                if obj.dep_ in ("dobj", "obj") and any(t.i in view.troop_at for t in troops):
                    countries.extend(
                        a for t in obj.subtree if (a := _actor_at(view, t)) is not None
                    )
    # "the X exercise, which the two navies held off Goa": the relative clause's subject.
    for child in trig.children:
        if child.dep_ == "relcl" and child.lower_ in lex.words["exercise_verbs"]:
            rel_subj = next((c for c in child.children if c.dep_ == "nsubj"), None)
            if rel_subj is not None:
                countries += np_actors(view, rel_subj) or _collective(view, rel_subj, sent, lex)
    isos: list[str] = []
    for actor in countries:
        if actor.iso3 and actor.iso3 not in isos:
            isos.append(actor.iso3)
    if purpose and len(isos) == 1 and verb is not None:
        # "Kenyan troops will travel to Germany for a joint exercise": the hosts take part.
        for _, pobj in prep_objects(verb, ("to",)):
            for actor in np_actors(view, pobj):
                if actor.iso3 and actor.iso3 not in isos:
                    isos.append(actor.iso3)
    if not isos:
        return []
    name = None
    head = trig
    while head.i > 0 and trig.doc[head.i - 1].lower_ in lex.words["exercise_modifiers"]:
        head = trig.doc[head.i - 1]
    start = _name_start(head)
    if start < head.i and not any(t.i in view.country_at for t in trig.doc[start : head.i]):
        name = trig.doc[start : head.i].text
    if name is None and named_after:
        after = [t for t in trig.head.subtree if trig.i < t.i <= trig.head.i and t.pos_ == "PROPN"]
        name = " ".join(t.text for t in after) or None
    if name is None:
        # "an exercise, named/dubbed X,": the name a participle gives it.
        for child in trig.children:
            if child.dep_ == "acl" and child.lower_ in NAMING_PARTICIPLES:
                for obj in child.children:
                    if obj.dep_ in ("oprd", "dobj", "attr") and obj.pos_ == "PROPN":
                        parts = [t for t in obj.subtree if t.pos_ == "PROPN"]
                        name = " ".join(t.text for t in parts) or None
    if name is None:
        name = given
    fields: Fields = {"countries": sorted(isos), "name": name}
    return [Found("military_exercise", fields, sent, trig, 0.7)]


NAMING_PARTICIPLES = frozenset(["named", "dubbed", "called", "codenamed", "code-named"])


def _misparsed_name(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found] | None:
    """ "The navies of X, Y and Z held the Blue Shield exercise": the parser may take the name
    for the object and the noun for a verb of its own; the holders are the subject (their
    own countries, "Polish and Lithuanian troops", or the two sides told before)."""
    if trig.pos_ != "VERB" or trig.i == 0 or trig.dep_ not in ("ccomp", "conj", "xcomp"):
        return None
    verb = trig.head
    name_head = trig.doc[trig.i - 1]
    if (
        verb.lower_ not in lex.words["exercise_verbs"]
        or not (_name_as_object(name_head, verb) or _name_as_subject(name_head, trig))
        or name_head.pos_ != "PROPN"
    ):
        return None
    subj = subject_of(verb, READY_WORDS | DUE_WORDS)
    if subj is None:
        return []
    isos: list[str] = []
    holders = _subject_actors(view, subj) or _collective(view, subj, sent, lex)
    if holders:
        holders += _joining_with(view, [trig, verb])
    for actor in holders:
        if actor.iso3 and actor.iso3 not in isos:
            isos.append(actor.iso3)
    if not isos:
        return []
    start = _name_start(name_head)
    fields: Fields = {
        "countries": sorted(isos),
        "name": trig.doc[start : name_head.i + 1].text,
    }
    return [Found("military_exercise", fields, sent, trig, 0.7)]


def _antecedent_actors(view: DocView, sent: Span, lex: Lexicon) -> list[Actor]:
    """Who "they" are: the countries of the subject of the sentence before ("Thai and Lao
    patrol boats", or "the two navies" standing for the two sides named before that)."""
    for prev in _sentences_before(view, sent, 1):
        subj = subject_of(prev.root)
        if subj is not None:
            return _subject_actors(view, subj) or _collective(view, subj, prev, lex)
    return []


def _joining_with(view: DocView, toks: list[Token]) -> list[Actor]:
    """ "..., with Uruguay joining for the first time": a country said to join the exercise in
    a "with" phrase takes part too."""
    return [
        a
        for tok in toks
        for _, clause in prep_objects(tok, ("with",))
        if clause.lower_.startswith("join")
        for c in clause.children
        if c.dep_ == "nsubj"
        for a in np_actors(view, c)
        if a.person is None
    ]


def _name_as_object(name_head: Token, verb: Token) -> bool:
    """ "held the Blue Shield exercise" read as "held the Blue Shield": the name is the object."""
    return name_head.dep_ in ("dobj", "obj") and name_head.head.i == verb.i


def _name_as_subject(name_head: Token, noun: Token) -> bool:
    """ "will hold their Red Falcon exercise" read as "their Red Falcon exercise(s)": the name,
    opened by a determiner or possessive, is the subject of the noun taken for a verb."""
    return (
        name_head.dep_ == "nsubj"
        and name_head.head.i == noun.i
        and any(t.dep_ in ("poss", "det") for t in name_head.subtree if t.i < name_head.i)
    )


HOST_VERBS = frozenset(["hosted", "co-hosted", "cohosted", "organised", "organized", "conducted"])


def _exercise_hosts(view: DocView, trig: Token) -> list[Actor]:
    """Who an exercise is "co-hosted by" or "organised by", when it is the subject."""
    if trig.dep_ not in ("nsubj", "nsubjpass"):
        return []
    head = trig.head
    found: list[Actor] = []
    for verb in [head, *(c for c in head.children if c.dep_ in ("acomp", "attr", "xcomp"))]:
        if verb.lower_ not in HOST_VERBS:
            continue
        for _, pobj in prep_objects(verb, ("by",)):
            found.extend(np_actors(view, pobj))
    return found


# Verbs of a journey whose purpose ("for the exercise") makes the travellers take part.
JOURNEY_VERBS = frozenset(
    f"{stem}{end}"
    for stem in ("travel", "sail", "deploy", "head", "return", "arrive", "send", "dispatch")
    for end in ("", "s", "ed", "ing", "led", "ling", "d", "es")
) | frozenset(["fly", "flies", "flew", "flown", "go", "goes", "went", "sent", "come", "came"])


def _journey_purpose(anchor: Token, verb: Token | None) -> bool:
    """ "will sail to the Baltic for the X exercise": the exercise a journey is made for."""
    return (
        verb is not None
        and anchor.dep_ == "pobj"
        and anchor.head.lower_ == "for"
        and anchor.head.head.i == verb.i
        and verb.lower_ in JOURNEY_VERBS
    )


TAKE_WORDS = frozenset(["take", "takes", "took", "taken", "taking"])


def _took_part_in(anchor: Token, verb: Token) -> bool:
    """ "took part in an exercise": the participants join it as "participated in" would."""
    prep = anchor.head
    # The parser hangs "in" on "part" or, as often, on "took" itself.
    on_part = prep.head.lower_ == "part" and prep.head.head.i == verb.i
    on_verb = prep.head.i == verb.i and any(c.lower_ == "part" for c in verb.children)
    return (
        anchor.dep_ == "pobj"
        and prep.lower_ == "in"
        and (on_part or on_verb)
        and verb.lower_ in TAKE_WORDS
    )


def _hyphenated(toks: list[Token]) -> set[str]:
    """Hyphenated modifiers the tokenizer split ("large - scale" is "large-scale")."""
    return {
        f"{a.lower_}-{c.lower_}"
        for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)
        if b.text == "-" and b.i == a.i + 1 and c.i == b.i + 1
    }


def _is_force(view: DocView, np: Token, lex: Lexicon) -> bool:
    """Whether a noun phrase names troops, arms or a military body ("Russian warships")."""
    return any(
        t.i in view.troop_at or t.i in view.item_at or t.lower_ in lex.kinds["military"]
        for t in np.subtree
    )


def _state_with_partner(view: DocView, trig: Token, subj: Token, verb: Token) -> bool:
    """ "X holds drills with Y": a state itself as the subject and another state as its partner
    (two governments drilling together are drilling their forces)."""
    if subj.i not in view.country_at or (actor := _actor_at(view, subj)) is None:
        return False
    if any(c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN") for c in trig.children):
        return False  # "fire drills", "Ebola response drills": no military words of its own
    partners = [
        a.iso3
        for _, o in prep_objects(verb, ("with", "alongside"))
        for a in np_actors(view, o)
        if a.iso3
    ]
    return any(p != actor.iso3 for p in partners)


def _hosts_by(view: DocView, toks: set[Token]) -> list[Actor]:
    """Who an exercise is "hosted by" in a participle on it ("the exercise, co-hosted by X
    and Y", "Exercise Pacific Reach, hosted by Z")."""
    found: list[Actor] = []
    for tok in toks:
        for child in tok.children:
            if child.dep_ in ("acl", "relcl") and child.lower_ in HOST_VERBS:
                for _, pobj in prep_objects(child, ("by",)):
                    found.extend(np_actors(view, pobj))
    return found


INVOLVING_VERBS = frozenset(
    [
        *("involving", "including", "featuring", "comprising"),
        *("involved", "involves", "included", "includes", "featured", "features"),
    ]
)


GATHERING_VERBS = frozenset(
    ["bring", "brings", "brought", "bringing", "gather", "gathers", "gathered", "draw", "drew"]
)


def _involved_objects(trig: Token) -> list[Token]:
    """The members a participle or relative clause on the exercise names ("war games involving
    X and Y", "the drills, which involved Egyptian and Sudanese troops"), or the verb whose
    subject the exercise is ("the exercise brought together troops from X and Y")."""
    found = [
        obj
        for child in trig.children
        if child.dep_ in ("acl", "relcl") and child.lower_ in INVOLVING_VERBS
        for obj in child.children
        if obj.dep_ in ("dobj", "obj")
    ]
    verb = trig.head
    if trig.dep_ == "nsubj" and verb.lower_ in INVOLVING_VERBS | GATHERING_VERBS:
        objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
        found += objects
        if objects:
            # "brought together troops from X": the parser hangs "from X" on the verb.
            found += [o for _, o in prep_objects(verb, ("from",))]
    return found


def _involved(view: DocView, trig: Token) -> list[Actor]:
    """The countries of the members a participle or relative clause on the exercise names."""
    return [a for obj in _involved_objects(trig) for a in np_actors(view, obj)]


def _stray_agents(view: DocView, anchor: Token, verb: Token | None) -> list[Actor]:
    """ "condemned the drills by X and Y": on an active verb a "by" phrase after the exercise
    object names those who hold the exercise (the parser hangs it on the verb)."""
    if verb is None or anchor.dep_ not in ("dobj", "obj") or anchor.head.i != verb.i:
        return []
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return []
    return [
        a
        for _, pobj in prep_objects(verb, ("by",))
        if pobj.i > anchor.i
        for a in np_actors(view, pobj)
    ]


def _as_observers(phrase: Token) -> bool:
    """ "with Peruvian officers attending as observers": those who only watch an exercise
    take no part in it."""
    return any(
        t.lower_ in ("observer", "observers") and t.head.lower_ == "as" for t in phrase.subtree
    )


def _leaders(view: DocView, trig: Token) -> list[Actor]:
    """ "the largest French-led drill in the region": the country that leads an exercise, in a
    hyphenated "-led" modifier of the exercise noun or of a noun set beside it, takes part."""
    nouns = [trig, *(c for c in trig.children if c.dep_ == "appos")]
    return [
        Actor(view.country_at[t.i].label_, token=t.i)
        for noun in nouns
        for led in noun.children
        if led.dep_ == "amod" and led.lower_ == "led"
        for t in led.children
        if t.dep_ in ("npadvmod", "compound", "amod") and t.i in view.country_at
    ]


PASSIVE_HOLDING = frozenset(["held", "staged", "conducted"])


def _host_list(view: DocView, anchor: Token, verb: Token | None) -> list[Actor]:
    """ "The X exercise was held in Chile, Peru and Ecuador": an exercise held across two or
    more named countries is held by them (one country named is only where others drill)."""
    if verb is None or anchor.dep_ != "nsubjpass" or verb.lower_ not in PASSIVE_HOLDING:
        return []
    hosts = [
        a
        for _, pobj in prep_objects(verb, ("in",))
        for a in np_actors(view, pobj, conj=False)
        if a.iso3 and a.person is None and a.place is None
    ]
    return hosts if len({a.iso3 for a in hosts}) >= 2 else []


def _subject_actors(view: DocView, subj: Token) -> list[Actor]:
    """The countries of a subject and of every modifier before it ("Thai and American forces":
    both conjoined modifiers)."""
    found = np_actors(view, subj)
    for tok in subj.subtree:
        if tok.i < subj.i and (actor := _actor_at(view, tok)) is not None:
            found.append(actor)
    return found


def _name_given_after(trig: Token) -> str | None:
    """ "the drills, code-named Steppe Eagle,": the capitalised words after a naming participle
    that follows the exercise noun or ends its phrase ("the exercise between X and Y marines,
    dubbed Blue Strike,"), read off the surface (the parser often mangles it)."""
    doc = trig.doc
    for start in (trig.i + 1, trig.right_edge.i + 1):
        name = _name_at(doc, start)
        if name is not None:
            return name
    for tok in trig.subtree:
        if tok.i > trig.i and tok.dep_ == "acl" and tok.lower_ in NAMING_PARTICIPLES:
            return _name_at(doc, tok.i)
    return None


def _name_at(doc: Doc, i: int) -> str | None:
    """The name after a naming participle at `i` (after an optional comma)."""
    if i < len(doc) and doc[i].text == ",":
        i += 1
    if i + 2 < len(doc) and doc[i].lower_ == "code" and doc[i + 1].text == "-":
        i += 2
    if i >= len(doc) or doc[i].lower_ not in NAMING_PARTICIPLES:
        return None
    i += 1
    parts: list[str] = []
    while i < len(doc) and (
        (doc[i].pos_ == "PROPN" and doc[i].is_title) or (parts and doc[i].like_num)
    ):
        parts.append(doc[i].text)
        i += 1
    return " ".join(parts) or None
