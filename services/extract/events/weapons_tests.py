"""Weapons tests and launches (`tests`)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from services.extract.events.common import (
    Found,
    _np_tokens,
)
from services.extract.view import (
    OPEN_WATER,
    TARGET_PREPS,
    DocView,
    Fields,
    Lexicon,
    first_country,
    governing_verb,
    np_actors,
    prep_objects,
    subject_of,
)


def tests(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """weapons_test from "tested an ICBM", "test-fired missiles", "a series of missile tests"."""
    word = trig.lower_
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    weapon: str | None = None
    country: str | None = None
    if is_noun:
        if not word.startswith("test") and word not in ("launch", "launches"):
            return []
        for child in trig.children:
            if child.dep_ in ("compound", "amod", "nmod") or (
                child.dep_ == "prep" and child.lower_ == "of"
            ):
                for t in child.subtree:
                    weapon = weapon or view.weapon_at.get(t.i)
        if weapon is None and trig.dep_ == "compound":
            weapon = view.weapon_at.get(trig.head.i)
        verb = governing_verb(trig)
        if weapon is None and verb is not None and trig.dep_ in ("dobj", "obj"):
            # "carried out a launch of the X system, a ballistic missile": the apposition
            # often hangs on the verb.
            for child in verb.children:
                if child.dep_ in ("npadvmod", "appos") and child.i > trig.i:
                    weapon = weapon or view.weapon_at.get(child.i)
        if weapon is None:
            return []
        # The tester, not the place of the test ("missile tests in the United States").
        owners = [a for a in np_actors(view, trig) if a.token != trig.i or a.person]
        owners += [
            a
            for c in trig.children
            if c.dep_ in ("acl", "relcl")
            for _, o in prep_objects(c, ("by",))
            for a in np_actors(view, o)
        ]
        country = first_country(owners)
        if country is None:
            subj = subject_of(verb) if verb is not None else None
            if subj is not None:
                country = first_country(np_actors(view, subj))
            if country is None and subj is not None and verb is not None:
                country = _speaker_country(view, subj, verb)
    else:
        if trig.dep_ in ("amod", "compound"):
            return []
        objects = [c for c in trig.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        # "fired what it called a new X", "fired what appeared to be an X": the object is a
        # free relative clause, its noun on the clause's verb or on the infinitive under it.
        objects += [
            o
            for c in trig.children
            if c.dep_ in ("ccomp", "xcomp") and c.left_edge.lower_ in ("what", "which")
            for v in [c, *(x for x in c.children if x.dep_ == "xcomp")]
            for o in v.children
            if o.dep_ in ("dobj", "obj", "oprd", "attr")
        ]
        for obj in objects:
            for t in _np_tokens(obj):
                weapon = weapon or view.weapon_at.get(t.i)
        if weapon is None:
            return []
        test_word = word.startswith("test") or (
            trig.i >= 2
            and trig.doc[trig.i - 2].lower_ == "test"
            and trig.doc[trig.i - 1].text == "-"
        )
        targets = [
            o
            for _, o in prep_objects(trig, TARGET_PREPS)
            if o.i not in view.date_at and o.ent_type_ != "TIME" and o.lower_ not in OPEN_WATER
        ]
        if not test_word and targets:
            return []  # fired at a target: an attack, not a test
        subj = subject_of(trig)
        if subj is not None and subj.dep_ != "nsubjpass":
            country = first_country(np_actors(view, subj))
            if country is None:
                country = _speaker_country(view, subj, trig)
        if country is None:
            agent = [o for p, o in prep_objects(trig, ("by",))]
            country = first_country([a for o in agent for a in np_actors(view, o)])
    if country is None:
        return []
    fields: Fields = {"country": country, "weapon": weapon}
    return [Found("weapons_test", fields, sent, trig, 0.7)]


SPEAKER_PRONOUNS = frozenset(["it", "they"])


def _speaker_country(view: DocView, subj: Token, verb: Token) -> str | None:
    """ "Iran's navy said it had test-fired ...", "X denied reports that it had carried out a
    test": the pronoun is the speaker, the subject of the clause the test's clause hangs on."""
    if subj.lower_ not in SPEAKER_PRONOUNS or verb.dep_ not in ("ccomp", "acl"):
        return None
    cur = verb
    for _ in range(3):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        speaker = subject_of(cur) if cur.pos_ in ("VERB", "AUX") else None
        if speaker is not None and speaker.lower_ not in SPEAKER_PRONOUNS:
            return first_country(np_actors(view, speaker))
    return None
