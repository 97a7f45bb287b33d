"""What the event builders share: `Found` (an event before it becomes a model) and the helpers
more than one event family uses (leaders, phases, companies, troop nouns, earlier sentences).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from services.extract.pipeline import load_gazetteer
from services.extract.view import (
    _TITLE_WORDS,
    CLAUSES,
    Actor,
    DocView,
    Fields,
    Lexicon,
    Person,
    _actor_at,
    _kind_of_title,
    np_actors,
    prep_objects,
    sentence_actors,
    subject_of,
)

# The confidence of a meeting only implied by another event (a joint signing): a telling of
# the same people's meeting outright replaces it.
IMPLIED_MEETING = 0.55


@dataclass
class Found:
    """An event before it becomes a model: its fields, its sentence and the trigger token."""

    type: str
    fields: Fields
    sent: Span
    trigger: Token
    confidence: float


def _np_tokens(tok: Token) -> list[Token]:
    """The tokens of a noun phrase without its clauses."""
    out = [tok]
    for child in tok.children:
        if child.dep_ not in CLAUSES and child.dep_ not in ("punct", "cc", "conj"):
            out.extend(_np_tokens(child))
    return out


def _leader(view: DocView, tok: Token, depth: int = 0) -> Person | None:
    """The person a delegation or visit belongs to: "led by X", "X's delegation", "by X"."""
    for child in tok.children:
        if child.dep_ in ("acl", "relcl") and child.lower_ in (
            "led", "headed", "spearheaded", "accompanied", "chaired",
        ):  # fmt: skip
            for _, pobj in prep_objects(child, ("by",)):
                for actor in np_actors(view, pobj):
                    if actor.person:
                        return view.people.get(actor.person)
                named = _unlisted_name(view, pobj)
                if named is not None:
                    return named
            stranded = _stranded_by_name(view, child)
            if stranded is not None:
                return stranded
        if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("by", "of")):
            targets = (
                [child] if child.dep_ == "poss" else [c for c in child.children if c.dep_ == "pobj"]
            )
            for target in targets:
                for actor in np_actors(view, target):
                    if actor.person:
                        return view.people.get(actor.person)
                # "a delegation of lawmakers led by X"
                if depth == 0 and child.dep_ == "prep" and child.lower_ == "of":
                    found = _leader(view, target, depth + 1)
                    if found is not None:
                        return found
        if child.dep_ == "appos":
            person = view.person_at.get(child.i)
            if person:
                return person
    return view.person_at.get(tok.i) or _name_after(view, tok)


def _stranded_by_name(view: DocView, led: Token) -> Person | None:
    """ "a delegation led by Deputy Minister X arrived": when the parser leaves "by" without
    an object (it took the name for the subject of the main verb), the leader is the person
    named right after "by", past the capitalised words of the title."""
    by = next((c for c in led.children if c.lower_ == "by" and c.dep_ in ("agent", "prep")), None)
    if by is None or any(c.dep_ == "pobj" for c in by.children):
        return None
    doc = led.doc
    for i in range(by.i + 1, min(by.i + 9, len(doc))):
        person = view.person_at.get(i)
        if person is not None:
            return person
        if doc[i].pos_ != "PROPN" and not doc[i].is_title:
            return None
    return None


def _name_after(view: DocView, tok: Token) -> Person | None:
    """A name written right after an office noun that the parser hung under it in pieces
    ("top leader To Lam", its "To" read as a preposition): the person whose span starts
    next to the noun and lies within the noun's phrase."""
    nxt = tok.i + 1
    span = view.person_span.get(nxt)
    if span is None or span.start != nxt:
        return None
    inside = {t.i for t in tok.subtree}
    if not all(t.i in inside for t in span):
        return None
    return view.person_at.get(nxt)


def _unlisted_name(view: DocView, tok: Token) -> Person | None:
    """A name the NER missed, after its title ("led by Assembly Chairman Tran Thanh Man")."""
    if tok.pos_ != "PROPN":
        return None
    toks = sorted([tok, *(c for c in tok.children if c.dep_ == "compound")], key=lambda t: t.i)
    toks = [t for t in toks if t.pos_ == "PROPN"]
    title_end = max((t.i for t in toks if t.i in view.title_at), default=-1)
    # The office may be longer than the title lexicon knows ("National Assembly Chairman").
    for t in toks:
        if t.lower_ in _TITLE_WORDS or t.lower_ in ("assembly", "national", "speaker", "army"):
            title_end = max(title_end, t.i)
    words = [t for t in toks if t.i > title_end]
    if len(words) < 2:
        return None
    name = " ".join(t.text for t in words)
    title_toks = [t for t in toks if t.i <= title_end]
    title = " ".join(t.text for t in title_toks) or None
    person = Person(name=name, title=title, kind=_kind_of_title(title or "", load_gazetteer()))
    actors = [a for t in tok.subtree for a in [_actor_at(view, t)] if a is not None and a.iso3]
    person.iso3 = actors[0].iso3 if actors else None
    return person


INVITE_VERBS = frozenset(["invite", "invites", "invited", "inviting"])


def _invited_to(trig: Token) -> bool:
    """The verb is what an invitation asks for: "invited Y to visit Z / to sign a deal"."""
    return trig.dep_ in ("xcomp", "advcl") and trig.head.lower_ in INVITE_VERBS


def _phase(word: str) -> str | None:
    if word.startswith(("depart", "left", "leav", "head", "fl")):
        return "departed"
    if word.startswith(("arriv", "land", "reach")):
        return "arrived"
    if word.endswith("ing"):
        return "ongoing"
    if word.endswith("ed") or word in ("met", "sent"):
        return "completed"
    return None


# Last words of a company's name ("Kinneret Pharmaceuticals", "Hanwha Aerospace").
CORPORATE_NAMES = frozenset(
    [
        *("pharmaceuticals", "pharma", "industries", "inc", "inc.", "ltd", "ltd.", "corp"),
        *("corp.", "corporation", "holdings", "plc", "llc", "gmbh", "ag", "sa", "co."),
        *("aerospace", "motors", "airlines", "airways", "energy", "telecom", "technologies"),
    ]
)


def _company(tok: Token, lex: Lexicon) -> bool:
    """A company, not a state: "Kinneret Pharmaceuticals", "X, a mid-sized Israeli maker"."""
    heads = lex.words["non_state_heads"]
    if tok.lower_ in heads or (tok.pos_ == "PROPN" and tok.lower_ in CORPORATE_NAMES):
        return True
    return any(c.dep_ == "appos" and c.lower_ in heads for c in tok.children)


def _troop_noun(view: DocView, toks: Iterable[Token]) -> Token | None:
    for tok in toks:
        if tok.i in view.troop_at:
            return tok
        # "send two F-35 jets and 300 personnel"
        for conj in tok.conjuncts:
            if conj.i in view.troop_at:
                return conj
        # "thousands of troops"
        for _, pobj in prep_objects(tok, ("of",)):
            if pobj.i in view.troop_at:
                return pobj
            # "300 members of Chile's Marine Infantry": members of an armed service.
            if tok.lower_ in SERVICE_MEMBERS and pobj.lower_ in ARMED_SERVICES:
                return tok
    return None


# Who belongs to an armed service, and the last words of an armed service's name.
SERVICE_MEMBERS = frozenset(["members", "servicemen", "personnel"])
ARMED_SERVICES = frozenset(
    [
        *("force", "forces", "army", "navy", "corps", "guard", "guards", "regiment"),
        *("brigade", "division", "infantry", "marines", "battalion", "legion"),
    ]
)


def _capitalised(tok: Token) -> bool:
    """A word written as part of a name: capitalised ("Lion") or all capitals ("RIMPAC"),
    but no international body's acronym ("the NATO exercise" is not named "NATO")."""
    if tok.is_title:
        return True
    return tok.is_upper and tok.is_alpha and len(tok) > 1 and tok.text not in _alliances()


@lru_cache(maxsize=1)
def _alliances() -> frozenset[str]:
    """Acronyms of international bodies and states, from the lexicon."""
    return frozenset(load_gazetteer().lexicon["alliances"])


def _name_start(head: Token) -> int:
    """Where the run of capitalised words before `head` starts ("Guardians of the Nile",
    "the RIMPAC exercise")."""
    doc = head.doc
    start = head.i
    i = head.i - 1
    while i >= 0:
        tok = doc[i]
        if _capitalised(tok) and tok.pos_ in ("PROPN", "NOUN", "ADJ"):
            start = i
        elif (tok.text in ("-", "of") and i > 0 and _capitalised(doc[i - 1])) or (
            tok.text == "the" and i > 1 and doc[i - 1].text == "of" and _capitalised(doc[i - 2])
        ):
            pass
        else:
            break
        i -= 1
    return start


COLLECTIVE_WORDS = frozenset(["their", "both", "two", "three"])


def _collective(view: DocView, np: Token, sent: Span, lex: Lexicon) -> list[Actor]:
    """The two countries named just before "the two sides", "both ministers", "their forces"."""
    if not any(t.lower_ in COLLECTIVE_WORDS for t in np.subtree):
        return []
    size = 3 if any(t.lower_ == "three" for t in np.subtree) else 2
    paired = _hyphen_pair_before(view, sent) if size == 2 else []
    if paired:
        return paired
    out: list[Actor] = []
    # The subjects of the sentences before first: "X and Y met in Z. Both ministers ...".
    # "X sold cutters to Y, and the two navies held an exercise": the sides named before it in
    # the same sentence come first.
    subjects: list[Actor] = [
        a
        for a in sentence_actors(view, sent, lex, np)
        if 0 <= a.token < np.left_edge.i and not _in_topic(view, a)
    ]
    for prev in _sentences_before(view, sent):
        subj = subject_of(prev.root)
        main = np_actors(view, subj) if subj is not None else []
        subjects += main or _clause_subject_actors(view, prev)
    for actor in subjects + _preceding_actors(view, sent, lex):
        if actor.iso3 and all(a.iso3 != actor.iso3 for a in out):
            out.append(actor)
    if len(out) < size:
        # "Egypt will not send troops to Sudan," he said ... Military ties predate the war.
        # The two armies ...": a short aside may stand between; the third sentence back.
        third = list(_sentences_before(view, sent, 3))[2:]
        for prev in third:
            for actor in sentence_actors(view, prev, lex, prev.root):
                fresh = all(a.iso3 != actor.iso3 for a in out)
                if actor.iso3 and fresh and not _in_topic(view, actor):
                    out.append(actor)
    return out[:size] if len(out) >= size else []


def _clause_subject_actors(view: DocView, sent: Span) -> list[Actor]:
    """The sides that are subjects of the other clauses of a sentence whose main subject names
    none ("The move came after the Thai and Cambodian ministers met"): "the two ministers" of
    the next sentence are the ones who acted in that clause."""
    out: list[Actor] = []
    for tok in sent:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.i != sent.root.i and tok.head != sent.root:
            out += np_actors(view, tok)
    return out


def _hyphen_pairs(view: DocView, sent: Span) -> list[tuple[Actor, Actor]]:
    """Pairs of countries a sentence joins with a hyphen ("the Peru-Ecuador border",
    "India-Pakistan talks")."""
    out = []
    for tok in sent:
        if tok.text not in ("-", "–") or tok.i == sent.start or tok.i + 1 >= sent.end:
            continue
        left = _actor_at(view, view.doc[tok.i - 1])
        right = _actor_at(view, view.doc[tok.i + 1])
        if not (left and right and left.iso3 and right.iso3) or left.iso3 == right.iso3:
            continue
        if left.person is None and right.person is None:
            out.append((left, right))
    return out


def _hyphen_pair_before(view: DocView, sent: Span) -> list[Actor]:
    """The pair "the two countries" means when the sentence just before speaks of one pair
    joined by a hyphen ("tensions on the Peru-Ecuador border. The two neighbours agreed ..."),
    and its subject names no two countries of its own, or one of that pair: the hyphenated
    pair is the one the story has just put forward."""
    prev = next(_sentences_before(view, sent, 1), None)
    if prev is None:
        return []
    pairs = _hyphen_pairs(view, prev)
    if len(pairs) != 1:
        return []
    pair = pairs[0]
    subj = subject_of(prev.root)
    named = {a.iso3 for a in np_actors(view, subj) if a.iso3} if subj is not None else set()
    if len(named) >= 2 or (named and not named & {pair[0].iso3, pair[1].iso3}):
        return []
    return list(pair)


def _sentences_before(view: DocView, sent: Span, count: int = 2) -> Iterator[Span]:
    """Up to `count` sentences before `sent`, nearest first."""
    start = sent.start
    for _ in range(count):
        if start == 0:
            return
        prev = view.sents[view.sent_no[start - 1]]
        yield prev
        start = prev.start


def _preceding_words(view: DocView, sent: Span) -> set[str]:
    """The lowercased words of the two sentences before `sent`."""
    return {t.lower_ for prev in _sentences_before(view, sent) for t in prev}


def _preceding_actors(view: DocView, sent: Span, lex: Lexicon) -> list[Actor]:
    """The actors of the two sentences before `sent`, nearest sentence first."""
    return [
        a
        for prev in _sentences_before(view, sent)
        for a in sentence_actors(view, prev, lex, prev.root)
        if a.iso3 and not _in_topic(view, a)
    ]


TOPIC_WORDS = frozenset(["covering", "discussing", "regarding", "concerning", "about"])


def _in_topic(view: DocView, actor: Actor) -> bool:
    """A country the talks were about ("talks covering migration from Libya"), not a side."""
    if actor.token < 0:
        return False
    return any(t.lower_ in TOPIC_WORDS for t in view.doc[actor.token].ancestors)


# How much more often the two countries of a story are named than any third one.
STORY_SHARE = 1.5
# How often each of them must be named at least.
STORY_MENTIONS = 5


def country_mentions(view: DocView) -> Counter[str]:
    """How often each country is named in a text as an actor: outright, by capital or demonym,
    or through one of its officials (each name counted once, not once per word); a demonym
    describing a company ("a Chinese carmaker") names no actor."""
    counts: Counter[str] = Counter()
    for i, span in [*view.country_at.items(), *view.person_span.items()]:
        actor = _actor_at(view, view.doc[i]) if span.start == i else None
        if actor is not None and actor.iso3:
            counts[actor.iso3] += 1
    return counts


def story_pair(view: DocView) -> frozenset[str]:
    """The two countries a bilateral story is about: the two it names most often, when each is
    named clearly more often than any third country; else none.

    News about two countries' relations names the pair throughout and lets later sentences
    speak of "the contract", "the ministers" or "the pact" without naming them again."""
    ranked = country_mentions(view).most_common(3)
    if len(ranked) < 2 or ranked[1][1] < STORY_MENTIONS:
        return frozenset()
    third = ranked[2][1] if len(ranked) > 2 else 0
    if ranked[1][1] < STORY_SHARE * third:
        return frozenset()
    return frozenset(iso for iso, _ in ranked[:2])
