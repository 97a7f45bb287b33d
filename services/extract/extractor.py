"""Article -> typed events: the one place where an article becomes events (pure, no Redis).

    python -m services.extract.extractor FILE...   # one event JSON per line

The spaCy pipeline (see `pipeline.py`) marks countries, officials, items and trigger words;
the functions here read the dependency parse around each trigger to fill the event's roles,
its modality and its date, and then tidy the article's events as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from schemas.documents import Article
from schemas.events import (
    EVENT_ADAPTER,
    DelegationVisit,
    Event,
    Invitation,
    MilitaryExercise,
    TroopDeployment,
    _name_key,
)
from services.extract import dates
from services.extract.pipeline import (
    COUNTRY_KEY,
    ITEM_KEY,
    PERSON_KEY,
    TITLE_KEY,
    TRIGGER_KEY,
    TROOP_KEY,
    UNIT_KEY,
    WEAPON_KEY,
    Gazetteer,
    load_gazetteer,
)
from services.extract.quantities import parse_quantity

log = logging.getLogger(__name__)

Fields = dict[str, Any]
SUBJECTS = ("nsubj", "nsubjpass", "csubj")
OBJECTS = ("dobj", "obj", "attr", "oprd")
CLAUSES = ("relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "csubj")
NP_DEPS = ("compound", "amod", "poss", "nmod", "appos", "npadvmod", "nummod")
TO_PREPS = ("to", "into", "in", "for", "toward", "towards")
MODALITY_ORDER = ("negated", "speculative", "alleged", "planned", "reported")


@dataclass
class Lexicon:
    """The lexicon as sets, built once per pipeline."""

    modality: dict[str, frozenset[str]]
    kinds: dict[str, tuple[str, ...]]
    agreement_kinds: dict[str, frozenset[str]]
    codes: dict[str, dict[str, str]]
    words: dict[str, frozenset[str]]

    @classmethod
    def from_gazetteer(cls, gaz: Gazetteer) -> Lexicon:
        lex = gaz.lexicon
        words = {
            key: frozenset(w.lower() for w in lex[key])
            for key in (
                "exercise_modifiers",
                "exercise_verbs",
                "meeting_strong",
                "meeting_verbs",
                "phone_words",
                "video_words",
                "sign_verbs",
                "support_verbs",
                "hostile",
                "occasion_heads",
                "meeting_with_verbs",
                "meeting_host_verbs",
                "troop_subject_verbs",
                "non_state_heads",
            )
        }
        return cls(
            modality={k: frozenset(v) for k, v in lex["modality"].items()},
            kinds={k: tuple(v) for k, v in lex["delegation_kinds"].items()},
            agreement_kinds={k: frozenset(v) for k, v in lex["agreement_kinds"].items()},
            codes=lex["event_codes"],
            words=words,
        )


_LEXICONS: dict[int, Lexicon] = {}


def _lexicon() -> Lexicon:
    gaz = load_gazetteer()
    key = id(gaz)
    if key not in _LEXICONS:
        _LEXICONS[key] = Lexicon.from_gazetteer(gaz)
    return _LEXICONS[key]


@dataclass
class Person:
    """An official as the article names them, with what the article tells about them."""

    name: str
    iso3: str | None = None
    title: str | None = None
    kind: str | None = None
    mentions: int = 0


@dataclass
class People:
    """The people of one article: full names, their countries and titles, and short names."""

    by_key: dict[str, Person] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Person | None:
        """The person a full or short name refers to within this article."""
        key = _name_key(name) or ""
        if key in self.by_key:
            return self.by_key[key]
        full = self.short.get(name.lower())
        return self.by_key.get(full) if full else None


# --- reading one document -------------------------------------------------------------------


@dataclass
class DocView:
    """Lookups over one parsed text: which token is which country, person, item or date."""

    doc: Doc
    people: People
    country_at: dict[int, Span] = field(default_factory=dict)
    person_at: dict[int, Person] = field(default_factory=dict)
    person_span: dict[int, Span] = field(default_factory=dict)
    title_at: dict[int, Span] = field(default_factory=dict)
    item_at: dict[int, str] = field(default_factory=dict)
    weapon_at: dict[int, str] = field(default_factory=dict)
    troop_at: set[int] = field(default_factory=set)
    unit_at: dict[int, str] = field(default_factory=dict)
    date_at: dict[int, Span] = field(default_factory=dict)
    # Computed once per doc: `Doc.text` joins every token and `Token.sent` walks to both
    # sentence edges, each time they are read.
    text: str = field(init=False)
    sents: list[Span] = field(init=False)
    sent_no: list[int] = field(init=False)  # token index -> index into `sents`

    def __post_init__(self) -> None:
        self.text = self.doc.text
        self.sents = list(self.doc.sents)
        self.sent_no = [k for k, sent in enumerate(self.sents) for _ in range(len(sent))]

    def sent(self, tok: Token) -> Span:
        """The sentence of `tok` (as `tok.sent`)."""
        return self.sents[self.sent_no[tok.i]]


def _tokens_where(doc: Doc, attr: str, keep: Callable[[str], bool]) -> list[int]:
    """Indices, in order, of the tokens whose `attr` string (as `Token.<attr>_`) passes `keep`,
    found without making a Token object per word."""
    values: list[int] = doc.to_array(attr).tolist()
    strings = doc.vocab.strings
    wanted = {v for v in set(values) if keep(strings[v])}
    return [i for i, v in enumerate(values) if v in wanted]


POSSESSIVES = frozenset(["'s", "’s", "'", "’"])


def _person_spans(doc: Doc, ents: Iterable[Span] | None = None) -> list[Span]:
    """PERSON entities and known officials, widened over split hyphenated names ("Choe Son-hui").

    `ents` are `doc.ents` when the caller has them already (each read makes their spans anew)."""
    known = list(doc.spans.get(PERSON_KEY, []))
    spans = [e for e in (doc.ents if ents is None else ents) if e.label_ == "PERSON"] + known
    # A titled name the NER cut short ("Espen Barth" of "Espen Barth Eide") wins by length.
    spans = filter_spans(spans + _titled_names(doc, {t.i for s in known for t in s}))
    out = []
    for span in spans:
        start, end = span.start, span.end
        while (
            end + 1 < len(doc)
            and doc[end].text in ("-", "‐")
            and not doc[end - 1].whitespace_
            and not doc[end].whitespace_
            and doc[end + 1].is_alpha
        ):
            end += 2
        # Titles the NER swallowed ("Vice Minister Jon") are not part of the name, nor is a
        # possessive it took along ("Sergei Shoigu’s visit").
        while start < end - 1 and doc[start].lower_ in _TITLE_WORDS:
            start += 1
        while end - 1 > start and doc[end - 1].text in POSSESSIVES:
            end -= 1
        if end - start >= 1 and doc[start].text[:1].isupper():
            out.append(doc[start:end])
    return out


def _titled_names(doc: Doc, taken: set[int]) -> list[Span]:
    """Proper names written right after an office the NER did not tag as persons
    ("Kazakh President Kassym-Jomart Tokayev" read as an organisation): two or more
    capitalised proper nouns, hyphenated parts joined, after a title."""
    countries = {t.i for s in doc.spans.get(COUNTRY_KEY, []) for t in s}
    out: list[Span] = []
    # A title, or a country's possessive ("Albania's Pirro Vengu"), before the name.
    heads = [s.end for s in doc.spans.get(TITLE_KEY, [])]
    heads += [
        s.end + 1
        for s in doc.spans.get(COUNTRY_KEY, [])
        if s.end + 1 < len(doc) and doc[s.end].tag_ == "POS"
    ]
    for head in heads:
        start = end = head
        words = 0
        while end < len(doc):
            tok = doc[end]
            glued = (
                tok.text in ("-", "‐")
                and words
                and not doc[end - 1].whitespace_
                and not tok.whitespace_
                and end + 1 < len(doc)
                and doc[end + 1].is_title
            )
            if glued:
                end += 1
                continue
            if (
                tok.pos_ != "PROPN"
                or not tok.is_title
                or tok.i in countries
                or tok.lower_ in _TITLE_WORDS
            ):
                break
            words += 1
            end += 1
        if words >= 2 and not any(i in taken for i in range(start, end)):
            out.append(doc[start:end])
            taken.update(range(start, end))
    return out


_TITLE_WORDS = frozenset(
    [
        "president",
        "minister",
        "leader",
        "secretary",
        "chairman",
        "chairwoman",
        "premier",
        "general",
        "deputy",
        "vice",
        "foreign",
        "prime",
        "chancellor",
        "ambassador",
        "envoy",
        "speaker",
        "mr",
        "mrs",
        "ms",
        "dr",
        "emir",
        "king",
        "queen",
        "sultan",
        "prince",
        "crown",
        "admiral",
        "marshal",
        "commander",
        "defence",
        "defense",
        "interior",
    ]
)


def _collect_people(docs: list[Doc], named: list[list[Span]], gaz: Gazetteer) -> People:
    """Register every full name of the article with the country and title given next to it
    (`named[k]` are the `_person_spans` of `docs[k]`)."""
    known = gaz.people_by_key
    people = People()
    for doc, spans in zip(docs, named, strict=True):
        titles = {t.i: s for s in doc.spans.get(TITLE_KEY, []) for t in s}
        countries = {t.i: s for s in doc.spans.get(COUNTRY_KEY, []) for t in s}
        for span in spans:
            words = span.text.split()
            key = _name_key(span.text) or ""
            if len(words) < 2 or span.root.i in countries:
                continue
            match = known.get(key)
            person = people.by_key.get(key)
            if person is None:
                person = Person(name=span.text)
                if match:
                    person.iso3, person.title = match["iso3"], match.get("title")
                people.by_key[key] = person
            person.mentions += 1
            iso3, title = _described_as(span, titles, countries)
            if iso3 and (person.iso3 is None or match is None):
                person.iso3 = iso3
            if title is not None and (person.title is None or match is not None):
                person.title = title.text
                person.kind = title.label_
            if person.kind is None and person.title:
                person.kind = _kind_of_title(person.title, gaz)
    _add_known_surnames(people, docs, gaz)
    for key, person in people.by_key.items():
        for word in (person.name.split()[0], person.name.split()[-1]):
            best = people.short.get(word.lower())
            if best is None or person.mentions > people.by_key[best].mentions:
                people.short[word.lower()] = key
        # "al-Sharaa" is tokenized "al - Sharaa": its capitalised last part names them too.
        tail = person.name.split()[-1].split("-")[-1]
        if "-" in person.name.split()[-1] and tail[:1].isupper() and len(tail) > 3:
            people.short.setdefault(tail.lower(), key)
    return people


def _kind_of_title(title: str, gaz: Gazetteer) -> str | None:
    lowered = title.lower()
    best = None
    for row in gaz.titles:
        if row["title"] in lowered and (best is None or len(row["title"]) > len(best["title"])):
            best = row
    return best["kind"] if best else None


def _described_as(
    span: Span, titles: dict[int, Span], countries: dict[int, Span]
) -> tuple[str | None, Span | None]:
    """Country and title written just before a name or in apposition to it."""
    doc = span.doc
    iso3: str | None = None
    title: Span | None = None
    window: list[Token] = []
    i = span.start - 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    while i >= 0 and len(window) < 9:
        tok = doc[i]
        if tok.is_punct and tok.text not in ("'s", "’s", "-", "."):
            break
        if tok.pos_ in ("VERB", "AUX", "ADP") and tok.i not in titles:
            break
        window.append(tok)
        i -= 1
    # An appositive on either side: "A senior Russian security official, Sergei Shoigu" or
    # "Sergei Shoigu, a top Russian security official".
    root = span.root
    if root.dep_ == "appos":
        window.extend(t for t in root.head.subtree if t.i < span.start)
    for child in root.children:
        if child.dep_ == "appos":
            window.extend(child.subtree)
    for tok in window:
        if title is None and tok.i in titles:
            title = titles[tok.i]
        if iso3 is None and tok.i in countries and countries[tok.i].kb_id_ != "capitals":
            iso3 = countries[tok.i].label_
    if title is None:
        # A bare "official" or "leader" next to the name still tells the office.
        for tok in window:
            if tok.lower_ in ("official", "leader", "diplomat") and tok.i in titles:
                title = titles[tok.i]
    return iso3, title


def _add_known_surnames(people: People, docs: Iterable[Doc], gaz: Gazetteer) -> None:
    """A well-known leader named by surname alone ("Trump said"), never in full: registered
    when the NER reads the surname as a person somewhere and no one else has that surname."""
    taken = {p.name.split()[-1].lower() for p in people.by_key.values()}
    named = {
        tok.lower_
        for doc in docs
        for i in _tokens_where(doc, "ENT_TYPE", lambda label: label == "PERSON")
        for tok in [doc[i]]
        if tok.is_title
    }
    for word, rows in gaz.people_by_surname.items():
        if len(rows) != 1 or len(word) < 4 or word in taken or word not in named:
            continue
        row = rows[0]
        key = _name_key(row["name"]) or ""
        person = Person(name=row["name"], iso3=row["iso3"], title=row.get("title"))
        if person.title:
            person.kind = _kind_of_title(person.title, gaz)
        people.by_key.setdefault(key, person)
        people.short.setdefault(word, key)  # "Lula", not only "da Silva"


def _view(doc: Doc, ents: Iterable[Span], named: list[Span], people: People) -> DocView:
    """Index the component spans and entities of a doc by token (`ents`: its `doc.ents`,
    `named`: its `_person_spans`)."""
    view = DocView(doc=doc, people=people)
    # "U.S. Marines", "Chinese Foreign Minister": a country before a troop word or a title.
    marked = {t.i for key in (TROOP_KEY, TITLE_KEY) for sp in doc.spans.get(key, []) for t in sp}
    for span in doc.spans.get(COUNTRY_KEY, []):
        # A capital that heads a longer name ("Washington Post", "Pyongyang General Hospital").
        if (
            span.kb_id_ in ("capitals", "names")
            and span.end < len(doc)
            and doc[span.end].is_title
            and doc[span.end].i not in view.country_at
            and doc[span.end].i not in marked
            and doc[span.end].ent_iob_ == "I"
        ):
            continue
        for tok in span:
            view.country_at[tok.i] = span
    for span in named:
        person = people.get(span.text)
        if person is None and len(span) == 1:
            continue
        if person is None:
            continue
        for tok in span:
            view.person_at[tok.i] = person
            view.person_span[tok.i] = span
            view.country_at.pop(tok.i, None)
    # Short names the NER missed ("Shoigu" tagged as an organisation).
    for i in _tokens_where(doc, "LOWER", lambda word: word in people.short):
        tok = doc[i]
        if tok.i not in view.person_at and tok.is_title:
            if tok.i in view.country_at:
                continue
            person = people.get(tok.text)
            if person is not None:
                view.person_at[tok.i] = person
                view.person_span[tok.i] = doc[tok.i : tok.i + 1]
    _resolve_pronouns(view)
    _resolve_roles(view)
    for span in doc.spans.get(TITLE_KEY, []):
        for tok in span:
            view.title_at[tok.i] = span
    for key, target in ((ITEM_KEY, view.item_at), (WEAPON_KEY, view.weapon_at)):
        for span in doc.spans.get(key, []):
            for tok in span:
                target[tok.i] = span.label_
    for span in doc.spans.get(UNIT_KEY, []):
        for tok in span:
            view.unit_at[tok.i] = span.label_
    for span in doc.spans.get(TROOP_KEY, []):
        view.troop_at.update(t.i for t in span)
    for ent in ents:
        if ent.label_ == "DATE":
            for tok in ent:
                view.date_at[tok.i] = ent
    return view


PERSONAL_PRONOUNS = frozenset(["he", "she"])


def _resolve_pronouns(view: DocView) -> None:
    """A subject "he"/"she" names the person last written as a subject, in its own sentence
    or the two before it ("Mirziyoyev landed in Astana. On Wednesday he held talks ...")."""
    doc = view.doc
    last: Person | None = None
    last_sent = -1
    for i in _tokens_where(doc, "DEP", lambda dep: dep in ("nsubj", "nsubjpass")):
        tok = doc[i]
        sent_no = view.sent_no[i]
        person = view.person_at.get(tok.i)
        if person is not None:
            last, last_sent = person, sent_no
        elif tok.lower_ in PERSONAL_PRONOUNS and last is not None and sent_no - last_sent <= 2:
            view.person_at[tok.i] = last
            view.person_span[tok.i] = doc[tok.i : tok.i + 1]


# Office nouns that, as "the minister" or "the Cambodian leader", name a person told before.
ROLE_NOUNS = {
    "leader": ("",),
    "minister": ("minister", "secretary"),
    "president": ("president",),
    "premier": ("premier", "prime minister"),
    "chancellor": ("chancellor",),
    "secretary": ("secretary", "minister"),
    "speaker": ("speaker", "chairman", "chair"),
    "delegation": ("",),  # "the Russian delegation": its head, only with the demonym
}


def _resolve_roles(view: DocView) -> None:
    """A subject "the minister" / "the Cambodian leader" names the latest person before it (in
    its sentence or the two before) whose title fits the noun and whose country fits the
    demonym, if one is written."""
    doc = view.doc
    named = sorted(view.person_at)
    for i in _tokens_where(doc, "LOWER", lambda word: word in ROLE_NOUNS):
        tok = doc[i]
        if tok.dep_ not in ("nsubj", "nsubjpass") or i in view.person_at:
            continue
        kids = list(tok.children)
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in kids) or any(
            c.dep_ in ("prep", "appos", "compound", "poss") or c.lower_ in ("former", "late")
            for c in kids
        ):
            continue
        wanted = {view.country_at[c.i].label_ for c in kids if c.i in view.country_at}
        if tok.lower_ == "delegation" and not wanted:
            continue
        fits = ROLE_NOUNS[tok.lower_]
        first = view.sents[max(0, view.sent_no[i] - 2)].start
        for j in reversed([j for j in named if first <= j < i]):
            person = view.person_at[j]
            if wanted and person.iso3 not in wanted:
                continue
            if not any(f in (person.title or "").lower() for f in fits):
                continue
            view.person_at[i] = person
            view.person_span[i] = doc[i : i + 1]
            break


# --- roles from the parse --------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A country, possibly through a person ("Shoigu" is RUS) or a place ("Pyongyang")."""

    iso3: str | None
    person: str | None = None
    place: str | None = None
    token: int = -1


def _non_state(tok: Token) -> bool:
    """A country word describing a company, club or team ("Chinese battery maker")."""
    cur = tok
    for _ in range(3):
        if cur.dep_ not in ("amod", "compound", "nmod", "poss", "npadvmod") or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lower_ in _lexicon().words["non_state_heads"]:
            return True
    return False


def _actor_at(view: DocView, tok: Token) -> Actor | None:
    person = view.person_at.get(tok.i)
    if person is not None:
        return Actor(person.iso3, person.name, token=tok.i)
    span = view.country_at.get(tok.i)
    if span is not None and not _non_state(tok) and not _led_by(tok, span):
        place = span.text if span.kb_id_ == "capitals" else None
        return Actor(span.label_, place=place, token=tok.i)
    return None


def _led_by(tok: Token, span: Span) -> bool:
    """A demonym that only says who leads a force ("the Kenyan-led force" in Haiti)."""
    doc = tok.doc
    end = span.end
    return (
        span.kb_id_ == "demonyms"
        and end + 1 < len(doc)
        and doc[end].text == "-"
        and doc[end + 1].lower_ == "led"
    )


def np_actors(view: DocView, tok: Token, depth: int = 0, conj: bool = True) -> list[Actor]:
    """Actors named by a noun phrase: itself, its modifiers, "of"/"from" phrases, conjuncts."""
    found: list[Actor] = []
    own = _actor_at(view, tok)
    if own is not None:
        found.append(own)
    if depth > 4:
        return found
    for child in tok.children:
        if child.dep_ in NP_DEPS or (child.dep_ == "det" and child.tag_ == "PRP$"):
            # "Chinese and Pakistani warships": conjoined modifiers are all actors.
            found.extend(np_actors(view, child, depth + 1, conj=child.dep_ in ("amod", "appos")))
        elif child.dep_ == "prep" and child.lower_ in ("of", "from"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    found.extend(np_actors(view, pobj, depth + 1))
        elif conj and child.dep_ == "conj":
            found.extend(np_actors(view, child, depth + 1))
    return _dedupe_actors(found)


def _dedupe_actors(actors: list[Actor]) -> list[Actor]:
    out: list[Actor] = []
    for actor in actors:
        if actor.person is not None and any(a.person == actor.person for a in out):
            continue
        if actor.person is None and any(a.iso3 == actor.iso3 and a.person is None for a in out):
            continue
        out.append(actor)
    return out


def first_country(actors: list[Actor]) -> str | None:
    """The first actor whose country is known."""
    return next((a.iso3 for a in actors if a.iso3), None)


DATELINE_DASHES = ("—", "–", "--", "-")


def dateline_end(sent: Span) -> int:
    """Index of the dash closing a dateline ("MANILA, Philippines (AP) —"), else -1."""
    first = sent[0] if len(sent) else None
    while first is not None and first.is_space and first.i + 1 < sent.end:
        first = first.doc[first.i + 1]
    if first is None or not (first.is_upper and len(first.text) > 1 and first.is_alpha):
        return -1
    for tok in sent.doc[first.i + 1 : min(sent.end, first.i + 10)]:
        if tok.text in DATELINE_DASHES and tok.whitespace_:
            return tok.i
    return -1


def _after_dateline(tok: Token) -> Token | None:
    """The noun phrase a dateline swallowed ("MANILA — Warships from X held"): its head."""
    end = dateline_end(tok.sent)
    if end < 0 or tok.i <= end:
        return None
    for cand in tok.doc[end + 1 : tok.i]:
        if cand.pos_ in ("NOUN", "PROPN") and cand.head.i <= end:
            return cand
    return None


READY_WORDS = frozenset(["ready", "willing", "prepared"])
DUE_WORDS = frozenset(["due", "set", "scheduled", "expected"])


def subject_of(tok: Token, copulas: frozenset[str] = READY_WORDS) -> Token | None:
    """The subject of a verb, following conjunctions and control ("accused X of sending")."""
    seen = 0
    cur: Token | None = tok
    while cur is not None and seen < 5:
        seen += 1
        deps = ("nsubj", "csubj") if cur.i == tok.i else ("nsubj", "csubj", "nsubjpass")
        end = dateline_end(cur.sent)
        subjects = [c for c in cur.children if c.dep_ in deps]
        real = [c for c in subjects if c.i > end]
        if real:
            return real[0]
        if subjects and (swallowed := _after_dateline(cur)) is not None:
            return swallowed
        if subjects:
            return subjects[0]
        for child in cur.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        if cur.head.i != cur.i and (
            cur.dep_ in ("conj", "xcomp", "advcl")
            # "Prague was ready to send": the subject of the copula sends.
            or (cur.dep_ == "acomp" and cur.lower_ in copulas)
        ):
            if cur.dep_ == "xcomp":
                objs = [c for c in cur.head.children if c.dep_ in ("dobj", "obj")]
                if objs:
                    return objs[0]
            cur = cur.head
        elif cur.dep_ == "pcomp" and cur.head.dep_ == "prep":
            verb = cur.head.head
            # "accused Pyongyang of sending": the object does it; "sought support in
            # acquiring": the subject does.
            objs = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
            if objs and cur.head.lower_ in ("of", "with", "for"):
                return objs[0]
            cur = verb
        elif cur.dep_ == "acl" and cur.tag_ == "VBG":
            return cur.head
        else:
            return None
    return None


def prep_objects(tok: Token, preps: tuple[str, ...]) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs of a token's prepositional children, with conjuncts."""
    for child in tok.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
            for pobj in child.children:
                if pobj.dep_ in ("pobj", "pcomp"):
                    yield child.lower_, pobj
                    for conj in pobj.conjuncts:
                        yield child.lower_, conj


def governing_verb(tok: Token) -> Token | None:
    """The verb a noun trigger belongs to ("held talks", "a visit ... coincided")."""
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def is_hostile(view: DocView, tok: Token, stop: Token | None, lex: Lexicon) -> bool:
    """Whether a mention sits under a hostile word ("strikes on Ukrainian energy")."""
    hostile = lex.words["hostile"]
    cur = tok
    for _ in range(8):
        if (stop is not None and cur.i == stop.i) or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lower_ in hostile:
            return True
    return False


def sentence_actors(view: DocView, sent: Span, lex: Lexicon, trigger: Token) -> list[Actor]:
    """Every actor of a sentence outside hostile phrases, nearest to the trigger first."""
    out = []
    for tok in sent:
        actor = _actor_at(view, tok)
        if actor is None or actor.iso3 is None:
            continue
        if is_hostile(view, tok, trigger, lex):
            continue
        out.append(actor)
    out.sort(key=lambda a: abs(a.token - trigger.i))
    return _dedupe_actors(out)


def destination_of(view: DocView, toks: Iterable[Token], lex: Lexicon) -> Actor | None:
    """Where something goes: "to Russia", "in Pyongyang", "visited North Korea", "to aid Moscow"."""
    for tok in toks:
        for _, pobj in prep_objects(tok, TO_PREPS):
            actors = np_actors(view, pobj)
            if actors and actors[0].iso3:
                return actors[0]
        for child in tok.children:
            if child.dep_ in ("dobj", "obj") and tok.pos_ == "VERB":
                actors = np_actors(view, child, conj=False)
                if actors and actors[0].iso3 and actors[0].person is None:
                    return actors[0]
    for tok in toks:
        for child in tok.children:
            if (
                child.dep_ in ("advcl", "xcomp", "acl")
                and child.lower_ in lex.words["support_verbs"]
            ):
                for obj in child.children:
                    if obj.dep_ in ("dobj", "obj"):
                        actors = np_actors(view, obj)
                        if actors and actors[0].iso3:
                            return actors[0]
    return None


# --- modality and dates ------------------------------------------------------------------------

# Adjuncts of time and circumstance: cues above them speak of another event.
ADJUNCT_PREPS = ("during", "after", "before", "following", "amid", "despite", "since", "until")
# Cues that colour a whole sentence wherever the parser attaches them.
SENTENCE_CUES = {
    "allegedly": "alleged",
    "purportedly": "alleged",
    "reportedly": "reported",
    "according": "reported",
}
# Where test shots come down: "fired into the sea" is a test, "fired at a city" an attack.
OPEN_WATER = frozenset(["sea", "seas", "waters", "water", "ocean", "gulf", "bay"])
TARGET_PREPS = ("at", "on", "against", "toward", "towards", "into")
OFFICIALS = frozenset(
    [
        "officials",
        "official",
        "delegation",
        "delegations",
        "diplomats",
        "diplomat",
        "envoy",
        "envoys",
        "lawmakers",
        "legislators",
        "ministers",
        "leaders",
        "leader",
        "president",
        "premier",
        "minister",
        "chief",
        "commander",
        "generals",
        "general",
        "delegates",
        "representatives",
        "team-members",
    ]
)
# Planning words that plan only what they control ("agreed to send", not "agreed on Monday").
CONTROL_PLANS = frozenset(["agreed", "ready", "willing"])
CUE_DEPS = ("aux", "auxpass", "neg", "advmod", "amod", "mark", "det", "npadvmod", "acomp")


def modality_of(sent: Span, trigger: Token, lex: Lexicon) -> str:
    """The nearest modality cue on the trigger or the words governing it; else asserted.

    A denial anywhere above the trigger wins ("denied reports that troops were sent").
    """
    cur: Token | None = trigger
    level = 0
    nearest: str | None = None
    seen: set[str] = set()
    prev: Token | None = None
    while cur is not None and level < 8:
        found = set()
        words = [c for c in cur.children if c.dep_ in CUE_DEPS or c.lower_ == "according"]
        # "agreed to send" plans; "the truce was agreed on Monday, where X hosted Y" does not.
        plans_below = cur.lower_ not in CONTROL_PLANS or (
            prev is not None and prev.dep_ in ("xcomp", "ccomp")
        )
        if cur.i != trigger.i and plans_below:
            words.append(cur)
        for word in words:
            lowered = word.lower_
            if word.dep_ == "det" and lowered != "no":
                continue
            for name in MODALITY_ORDER:
                if lowered in lex.modality[name]:
                    found.add(name)
        if "negated" in found:
            return "negated"
        seen |= found
        if found and nearest is None:
            nearest = next(name for name in MODALITY_ORDER if name in found)
        if cur.head.i == cur.i or (cur.dep_ == "prep" and cur.lower_ in ADJUNCT_PREPS):
            break
        if cur.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in cur.children):
            break  # "X is due to host Y, and officials said Z": a clause of its own
        prev, cur = cur, cur.head
        level += 1
    # A future event stays planned when attributed ("is due to visit, the embassy said"),
    # and "would" in reported speech is the future seen from the past ("said X would arrive").
    if nearest == "reported" and "planned" in seen:
        return "planned"
    if nearest == "speculative" and "reported" in seen and _reported_would(trigger):
        return "planned"
    if nearest is not None:
        return nearest
    tail = _attribution_tail(sent, trigger, lex)
    if tail is not None:
        return tail
    words_in = {t.lower_ for t in sent}
    for cue, name in SENTENCE_CUES.items():
        if cue in words_in:
            return name
    return "asserted"


def _reported_would(trigger: Token) -> bool:
    """Whether the speculative cue is a bare "would" (not "could", "may") on the trigger's verb."""
    cur = trigger
    for _ in range(3):
        cues = [c.lower_ for c in cur.children if c.dep_ in ("aux", "auxpass")]
        if "would" in cues:
            return True
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return False


def _attribution_tail(sent: Span, trigger: Token, lex: Lexicon) -> str | None:
    """The cue of a short attribution the parser left unattached (", X alleged" at the end,
    or set off by commas after the event: "X met Y on Monday, the ministry said, and ...")."""
    commas = [t.i for t in sent if t.text == "," and t.i > trigger.i]
    if not commas:
        return None
    bounds = [*commas, sent.end]
    for start, end in pairwise(bounds):
        segment = [t for t in sent.doc[start + 1 : end] if not t.is_space]
        last = end == sent.end
        if not segment or len(segment) > (10 if last else 7):
            continue
        if not last and segment[-1].lower_ not in lex.modality["reported"]:
            continue  # a parenthetical attribution ends with its verb: ", the AU said,"
        for name in ("alleged", "reported"):
            if any(t.pos_ == "VERB" and t.lower_ in lex.modality[name] for t in segment):
                return name
    return None


def _under_report(ent: Span, trigger: Token, lex: Lexicon) -> bool:
    """Whether a date belongs to the report or denial rather than to the event."""
    block = lex.modality["reported"] | lex.modality["alleged"] | lex.modality["negated"]
    above = {trigger.i} | {a.i for a in trigger.ancestors}
    cur = ent.root
    for _ in range(8):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        is_block = cur.pos_ == "VERB" and cur.lower_ in block and cur.i != trigger.i
        if cur.i in above or is_block:
            return is_block
        if cur.pos_ in ("VERB", "AUX"):
            return False  # the date of a clause of its own, reported or not
    return False


REPORT_HEADS = ("said", "reported", "says", "told", "announced")
# A date naming the time of day only: the event happened on the day the story is about.
TIME_OF_DAY = frozenset(["morning", "afternoon", "evening", "night", "midday", "noon"])


def _attachment(ent: Span, trigger: Token) -> Token:
    """The clause (its verb) or the trigger a date expression modifies."""
    cur = ent.root
    for _ in range(8):
        if cur.head.i == cur.i:
            return cur
        cur = cur.head
        if cur.i == trigger.i or cur.pos_ in ("VERB", "AUX"):
            return cur
    return cur


def _clause_chain(trigger: Token) -> list[Token]:
    """The trigger and the words governing it, short of a report verb ("X said")."""
    chain = [trigger]
    cur = trigger
    for _ in range(6):
        if cur.head.i == cur.i or cur.head.lower_ in REPORT_HEADS:
            break
        cur = cur.head
        chain.append(cur)
    return chain


@dataclass(frozen=True)
class DateReading:
    """The date of an event's own clause, and whether the clause wrote any date at all."""

    iso: str | None
    written: bool  # a date expression governs the clause, resolvable or not ("last week")
    story_shift: int = 0  # "the day before the drills opened": -1 day from the story's date


def date_of(
    view: DocView, sent: Span, trigger: Token, published: date | None, future: bool
) -> DateReading:
    """The date attached to the trigger's clause, or to the clauses above it short of a report.

    A date in a relative clause about something else ("Serbia, which declared neutrality in
    2007, signed ...") or under the report ("said on Monday") is not the event's."""
    ents = {view.date_at[t.i] for t in sent if t.i in view.date_at}
    # "annual drills", "a three-day visit": how often or how long, not when.
    ents = {e for e in ents if dates.is_point(e.text) or _day_around(e) != 0}
    ents = {e for e in ents if not _under_report(e, trigger, _lexicon())}
    if not ents:
        shift = next(filter(None, map(_day_around_clause, _clause_chain(trigger))), 0)
        return DateReading(None, bool(shift), story_shift=shift)
    attached = {e: _attachment(e, trigger) for e in ents}
    chosen: Span | None = None
    for level, node in enumerate(_clause_chain(trigger)):
        near = [e for e, a in attached.items() if a.i == node.i]
        if level == 0 and trigger.pos_ in ("NOUN", "PROPN"):
            # "a pact signed last year", "a truce that came into force on Monday", "drills
            # which are scheduled to begin on April 21": a clause on the noun dates its event.
            near += [
                e
                for e, a in attached.items()
                if (a.head.i == trigger.i and a.dep_ in ("acl", "relcl"))
                or _event_clause(a, trigger)
            ]
        if level == 0:
            # "fired what it called a new missile on Monday": the date ends the free relative
            # that stands for the object.
            near += [
                e
                for e, a in attached.items()
                if a.head.i == trigger.i
                and a.dep_ in ("ccomp", "xcomp")
                and a.left_edge.lower_ in ("what", "which")
                and e.start > a.i
            ]
        # "The day before the drills opened, X fired": a day next to another event's.
        near += [
            e
            for e, a in attached.items()
            if _day_around(e) and a.dep_ == "advcl" and a.head.i == node.i
        ]
        if near:
            chosen = min(near, key=lambda e: abs(e.start - trigger.i))
            break
        if shift := _day_around_clause(node):
            return DateReading(None, True, story_shift=shift)
    if chosen is None:
        return DateReading(None, False)
    text = chosen.text
    lowered = text.lower()
    if lowered in ("the previous day", "the day before", "a day earlier"):
        others = [e for e in ents if e.start != chosen.start]
        for other in others:
            iso = dates.resolve_date(other.text, published)
            if iso and len(iso) == 10:
                return DateReading(dates.previous_day(iso), True)
    if shift := _day_around(chosen):
        return DateReading(None, True, story_shift=shift)
    if set(lowered.split()) <= TIME_OF_DAY | {"the", "in", "on", "late", "early", "this"}:
        return DateReading(None, False)
    return DateReading(dates.resolve_date(text, published, future=future), True)


def _day_around_clause(node: Token) -> int:
    """ "The day before the drills opened, X fired" when the NER left "the day" untagged."""
    for clause in node.children:
        if clause.dep_ != "advcl":
            continue
        marks = {c.lower_ for c in clause.children if c.dep_ in ("mark", "prep", "advmod")}
        days = [c for c in clause.children if c.dep_ == "npadvmod" and c.lower_ == "day"]
        if days and marks & {"before", "after"}:
            return -1 if "before" in marks else 1
    return 0


# What is said of events and not of countries: "scheduled to begin", "took place".
EVENT_PREDICATES = frozenset(
    [
        *("begin", "begins", "began", "start", "starts", "started", "open", "opens", "opened"),
        *("end", "ends", "ended", "run", "runs", "ran", "take", "takes", "took", "held"),
        *("scheduled", "due", "slated", "set", "planned", "expected"),
    ]
)


def _event_clause(clause: Token, trigger: Token) -> bool:
    """A relative clause in the event noun's phrase that speaks of an event ("exercises between
    X and Y, which are scheduled to begin on April 21"), wherever the parser hung it."""
    if not trigger.left_edge.i <= clause.i <= trigger.right_edge.i:
        return False
    cur = clause
    for _ in range(3):
        if cur.dep_ in ("relcl", "acl"):
            # The clause hangs on the event's own noun phrase, not on a clause inside it.
            owner = cur.head
            while owner.i != trigger.i and owner.pos_ not in ("VERB", "AUX"):
                owner = owner.head
            return owner.i == trigger.i and (
                cur.lower_ in EVENT_PREDICATES
                or any(c.dep_ == "xcomp" and c.lower_ in EVENT_PREDICATES for c in cur.children)
            )
        if cur.dep_ not in ("xcomp", "conj") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _day_around(ent: Span) -> int:
    """-1 for "the day before <event>", +1 for "the day after <event>", else 0."""
    doc = ent.doc
    words = [t.lower_ for t in ent]
    nxt = doc[ent.end].lower_ if ent.end < len(doc) else ""
    if words[-1:] == ["day"] and nxt in ("before", "after"):
        following = doc[ent.end + 1] if ent.end + 1 < len(doc) else None
        if following is not None and not following.is_punct:
            return -1 if nxt == "before" else 1
    if words[-2:] in (["day", "before"], ["day", "after"]) and nxt and not doc[ent.end].is_punct:
        return -1 if words[-1] == "before" else 1
    return 0


# --- the event builders ----------------------------------------------------------------------


@dataclass
class Found:
    """An event before it becomes a model: its fields, its sentence and the trigger token."""

    type: str
    fields: Fields
    sent: Span
    trigger: Token
    confidence: float


def _kind_from(view: DocView, toks: Iterable[Token], lex: Lexicon) -> str | None:
    text = " ".join(t.lower_ for t in toks)
    for kind, words in lex.kinds.items():
        if any(f" {w} " in f" {text} " for w in words):
            return kind
    return None


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
    person = view.person_at.get(tok.i)
    return person


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
        destination = destination_of(view, dest_tokens, lex)
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


def _phase(word: str) -> str | None:
    if word.startswith(("depart", "left", "leav", "head", "fl")):
        return "departed"
    if word.startswith(("arriv", "land")):
        return "arrived"
    if word.endswith("ing"):
        return "ongoing"
    if word.endswith("ed") or word in ("met", "sent"):
        return "completed"
    return None


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
    if bare and not np_actors(view, trig):
        return []
    return [Found("delegation_visit", fields, sent, trig, confidence)]


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
    if word in remote and not (phone or video):
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
        for child in trig.children:
            if child.dep_ == "nsubjpass":
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
    for _, pobj in prep_objects(trig, ("between", "with", "among")):
        parts.extend(np_actors(view, pobj))
    if is_noun and not parts:
        # "negotiations in Doha that began on Saturday between X and Y": the sides hang on a
        # clause inside the noun's phrase ("two days of talks that opened ... between").
        scope = trig.head.head if trig.dep_ == "pobj" and trig.head.lower_ == "of" else trig
        for clause in scope.subtree:
            if clause.dep_ in ("relcl", "acl") and clause.pos_ == "VERB":
                for _, pobj in prep_objects(clause, ("between",)):
                    parts.extend(np_actors(view, pobj))
    for child in trig.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            parts.extend(np_actors(view, child))
    if is_noun and word not in lex.words["meeting_strong"]:
        # "talks", "negotiations": a meeting only when held or when its sides are named.
        held = verb is not None and verb.lower_ in lex.words["meeting_verbs"]
        if not held and len([a for a in parts if a.person]) < 2:
            return []
    discuss = verb is not None and verb.lower_ in lex.words["meeting_with_verbs"]
    if discuss and verb is not None and verb.i != trig.i and trig.dep_ != "pobj":
        return []  # "the issues discussed at the meeting": the noun builds it
    if verb is not None and (not is_noun or trig.dep_ in ("dobj", "obj", "pobj")):
        subj = subject_of(verb)
        if subj is not None:
            parts = np_actors(view, subj) + parts
            # "X and his counterpart Y held talks": the parser may give the verb two subjects.
            for other in verb.children:
                if other.dep_ == "nsubj" and other.i != subj.i and subj.dep_ == "nsubj":
                    parts = parts + np_actors(view, other)
        # "discussed the situation with X": the parser often hangs "with" on the object.
        holders = [verb] + [c for c in verb.children if c.dep_ in ("dobj", "obj")]
        # "spoke by telephone with X", "talked over a video link with X": "with" on the medium.
        holders += [
            o
            for _, o in prep_objects(verb, ("by", "over", "via", "on", "in"))
            if o.lower_ in lex.words["phone_words"] | lex.words["video_words"]
            or o.lower_ in ("link", "call", "conference", "videoconference")
        ]
        partners = [
            a for h in holders for _, o in prep_objects(h, ("with",)) for a in np_actors(view, o)
        ]
        if discuss and not partners:
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
    if hosting and len(people) < 2:
        return []  # "hosted the games", "received the drones": no counterpart in person
    place = None
    where = [t for t in (trig, verb) if t is not None]
    where += [o for t in list(where) for _, o in prep_objects(t, ("with",))]
    if not is_noun:
        # "met Chinese President Xi Jinping in Beijing": the place may hang on the object.
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


UNILATERAL_ACTS = frozenset(
    ["sell", "send", "supply", "deliver", "provide", "deploy", "dispatch", "give", "ship"]
)


def _of_earlier_deal(trig: Token, lex: Lexicon) -> bool:
    """An agreement named as what something else is about ("the implementation of the
    agreements reached", "violations of the truce signed"): the deal predates the news."""
    head = trig.head
    return (
        trig.dep_ == "pobj"
        and head.lower_ == "of"
        and head.head.pos_ == "NOUN"
        and head.head.lower_ not in lex.words["sign_verbs"]
        and any(c.dep_ == "det" and c.lower_ == "the" for c in trig.children)
    )


COMPARISON_PREPS = frozenset(["unlike", "like", "than", "besides", "except"])


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


def agreements(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """agreement from "signed a treaty", "agreed to halt strikes", "a ceasefire between X and Y"."""
    word = trig.lower_
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    if is_noun and trig.dep_ == "compound":
        return []
    sent_words = {t.lower_ for t in sent}
    parties: list[Actor] = []
    status = None
    if is_noun:
        for _, pobj in prep_objects(trig, ("between", "with", "among")):
            parties.extend(np_actors(view, pobj))
        for child in trig.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i < trig.i:
                parties.extend(np_actors(view, child, conj=False))
        verb = governing_verb(trig)
        signed = any(
            c.dep_ in ("acl", "amod") and c.lower_ in lex.words["sign_verbs"] for c in trig.children
        )
        governed = verb is not None and verb.lower_ in lex.words["sign_verbs"] and trig.dep_ in (
            "dobj", "obj", "nsubjpass", "pobj",
        )  # fmt: skip
        if trig.dep_ == "pobj" and trig.head.lower_ in COMPARISON_PREPS:
            return []  # "signed a treaty, unlike Moscow's pact with X": a contrast, no event
        explicit = len({a.iso3 for a in parties if a.iso3}) >= 2
        if not (signed or governed or explicit):
            return []
        if signed and not (governed or explicit) and _of_earlier_deal(trig, lex):
            return []  # "the implementation of the agreements reached": made before, not now
        if governed and verb is not None and _invited_to(verb):
            return []  # "invited X and Y to sign an accord": only the invitation happened
        if governed and verb is not None:
            status = "signed" if verb.lower_.startswith("sign") else "agreed"
            subj = subject_of(verb)
            if subj is not None and _company(subj, lex):
                return []  # "Kinneret Pharmaceuticals, an Israeli drug maker, signed a deal"
            if subj is not None:
                parties = np_actors(view, subj) + parties
        if signed:
            status = "signed"
    else:
        if trig.dep_ in ("amod", "acl"):
            return []  # "a pact signed in 2024": the noun builds it
        if _invited_to(trig):
            return []  # "invited X and Y to sign an accord": only the invitation happened
        subj = subject_of(trig)
        if subj is not None and _company(subj, lex):
            return []  # "Kinneret Pharmaceuticals, an Israeli drug maker, signed a deal"
        if subj is not None:
            parties.extend(np_actors(view, subj))
            if not parties:
                parties.extend(_collective(view, subj, sent, lex))
        for _, pobj in prep_objects(trig, ("with",)):
            parties.extend(np_actors(view, pobj))
        has_object = any(c.dep_ in ("dobj", "obj", "xcomp", "prep", "ccomp") for c in trig.children)
        if not has_object:
            return []
        kinds_here = set().union(*lex.agreement_kinds.values())
        words_here = {t.lower_ for t in trig.subtree}
        if word.startswith("agree") and not (words_here & kinds_here) and len(parties) < 2:
            return []
        one_side = len({a.iso3 for a in parties if a.iso3}) < 2
        if (
            word.startswith("agree")
            and one_side
            and any(c.dep_ == "xcomp" and c.lower_ in UNILATERAL_ACTS for c in trig.children)
        ):
            return []  # "France agreed to sell Chile jets": a sale, built as arms_transfer
        status = "signed" if word.startswith("sign") or word in ("inked", "ink") else "agreed"
    isos = {a.iso3 for a in parties if a.iso3}
    if len(isos) < 2:
        for actor in sentence_actors(view, sent, lex, trig):
            if actor.iso3 and actor.iso3 not in isos:
                parties.append(actor)
                isos.add(actor.iso3)
    if len(isos) < 2:
        return []
    subtree_words = {t.lower_ for t in trig.subtree} | ({word} if is_noun else set())
    kind = "other"
    # "initialled the draft", "signed the text": the document named in the sentences before.
    anaphoric = {t.lower_ for t in trig.subtree if t.pos_ == "NOUN"} & ANAPHORIC_DOCS
    earlier = _preceding_words(view, sent) if anaphoric else set()
    # "an agreement worth $2 billion": a priced agreement is a deal.
    clause = governing_verb(trig) if is_noun and trig.dep_ in ("dobj", "obj") else trig
    clause = clause if clause is not None else trig
    # ... and so is one on producing, buying or servicing things ("an agreement on the joint
    # production of drones").
    priced = (
        {"deal"}
        if any(t.ent_type_ == "MONEY" for t in clause.subtree) or subtree_words & COMMERCE_WORDS
        else set()
    )
    for scope in (subtree_words, sent_words, priced, earlier):
        for name in ("ceasefire", "treaty", "memorandum", "deal"):
            if scope & lex.agreement_kinds[name]:
                kind = name
                break
        if kind != "other":
            break
    if "negotiat" in sent.text.lower() and status is None:
        status = "negotiating"
    if status is None and any(t.lower_ in ("proposed", "proposal") for t in sent):
        status = "proposed"
    fields: Fields = {
        "parties": sorted(isos),
        "agreement_kind": kind,
        "name": _title_name(trig) if is_noun else None,
        "status": status,
    }
    return [Found("agreement", fields, sent, trig, 0.65 if len(parties) >= 2 else 0.5)]


def _title_name(trig: Token) -> str | None:
    """A proper name in front of a noun ("the Treaty on Comprehensive Strategic Partnership")."""
    left = [c for c in trig.lefts if c.dep_ in ("compound", "amod") and c.is_title]
    if not left or not trig.is_title:
        return None
    return trig.doc[left[0].i : trig.i + 1].text


def _items(view: DocView, toks: Iterable[Token]) -> list[str]:
    out: list[str] = []
    for tok in toks:
        for t in tok.subtree:
            item = view.item_at.get(t.i)
            if item and item not in out:
                out.append(item)
    return out


def transfers(view: DocView, sent: Span, trig: Token, lex: Lexicon, taking: bool) -> list[Found]:
    """arms_transfer from "supplied arms to X", "received technology from Y", "relied on X for"."""
    word = trig.lower_
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    origin: str | None = None
    destination: str | None = None
    items: list[str] = []
    confidence = 0.6
    if word in ("give", "gives", "gave", "given", "giving") and any(
        c.dep_ == "prt" and c.lower_ == "up" for c in trig.children
    ):
        return []  # "give up its nuclear weapons": renouncing, not handing over
    if is_noun:
        if taking:
            return []
        items = _items(view, [c for c in trig.children if c.dep_ in ("compound", "prep", "amod")])
        if trig.dep_ == "compound" and trig.head.lower_ in view.item_at.values():
            return []
        origin = first_country(
            [
                a
                for c in trig.children
                if c.dep_ in ("poss", "compound", "amod")
                for a in np_actors(view, c)
            ]
            + [a for p, o in prep_objects(trig, ("from", "by")) for a in np_actors(view, o)]
        )
        dest_actor = destination_of(view, [trig], lex)
        destination = dest_actor.iso3 if dest_actor else None
        verb = governing_verb(trig)
        if origin is None and verb is not None and trig.dep_ in ("dobj", "obj", "pobj"):
            # "Washington approved the sale of jets to Israel": the approver sells.
            subj = subject_of(verb)
            if subj is not None:
                origin = first_country(np_actors(view, subj))
        if origin is None:
            return []
    else:
        objects = [c for c in trig.children if c.dep_ in ("dobj", "obj", "nsubjpass", "attr")]
        if word.startswith(("rel", "depend")):
            sources = [o for p, o in prep_objects(trig, ("on", "upon"))]
            items = _items(view, [o for p, o in prep_objects(trig, ("for",))])
            subj = subject_of(trig)
            destination = first_country(np_actors(view, subj)) if subj is not None else None
            origin = first_country([a for s in sources for a in np_actors(view, s)])
        else:
            # "supplied the army with drones": "with" on the verb or on the recipient.
            items = _items(view, [o for o in objects]) or _items(
                view, [o for h in (trig, *objects) for p, o in prep_objects(h, ("with",))]
            )
            if not items:
                return []
            troops = _troop_noun(view, objects)
            if troops is not None and not _items(view, list(troops.conjuncts)):
                # "will send 3,000 servicemen together with armour": a deployment, not a sale.
                return []
            subj = subject_of(trig)
            passive = any(c.dep_ == "nsubjpass" for c in trig.children)
            agent = [o for p, o in prep_objects(trig, ("by",))]
            subj_actor = None
            if passive:
                subj_actor = first_country([a for o in agent for a in np_actors(view, o)])
            elif subj is not None:
                subj_actor = first_country(np_actors(view, subj))
            if taking:
                destination = subj_actor
                src = [o for p, o in prep_objects(trig, ("from",))]
                for obj in objects:
                    src += [o for p, o in prep_objects(obj, ("from",))]
                origin = first_country([a for s in src for a in np_actors(view, s)])
                origin = origin or _maker_of(view, objects)
            else:
                # "Chinese-built corvettes were handed over to X": the maker supplies.
                origin = subj_actor or (_maker_of(view, objects) if passive else None)
                if origin is None and subj is not None and not passive:
                    # "Turkish drone maker Baykar supplied ...": a company's country supplies.
                    origin = _company_country(view, subj, lex)
                # "delivered a batch of shells to X": "to" may hang on the inner noun.
                inner = [o for obj in objects for _, o in prep_objects(obj, ("of",))]
                dest_actor = destination_of(view, [trig, *objects, *inner], lex)
                destination = dest_actor.iso3 if dest_actor else None
                for child in trig.children:
                    if child.dep_ in ("dative", "iobj") and destination is None:
                        destination = first_country(np_actors(view, child))
    if not items:
        return []
    # One side missing: the other actor of the sentence.
    if origin is None or destination is None:
        confidence -= 0.15
        known = origin or destination
        others = [a.iso3 for a in sentence_actors(view, sent, lex, trig) if a.iso3 != known]
        if not others or known is None:
            return []
        if origin is None:
            origin = others[0]
        else:
            destination = others[0]
    if origin == destination:
        return []
    fields: Fields = {"origin": origin, "destination": destination, "items": items}
    return [Found("arms_transfer", fields, sent, trig, confidence)]


MAKER_WORDS = ("made", "built", "manufactured", "produced", "supplied")


def _company_country(view: DocView, subj: Token, lex: Lexicon) -> str | None:
    """The country of a company subject: "Turkish defence firm Baykar", "Hanwha Aerospace, the
    South Korean defence company"."""
    heads = lex.words["non_state_heads"]
    phrase = list(subj.subtree)
    if not any(t.lower_ in heads for t in phrase) and not _company(subj, lex):
        return None
    for t in phrase:
        span = view.country_at.get(t.i)
        if span is not None and span.kb_id_ != "capitals":
            return str(span.label_)
    return None


def _maker_of(view: DocView, objects: list[Token]) -> str | None:
    """The maker's country of the items: "received U.S.-made missiles", "Chinese-built jets"."""
    makers = [t for o in objects for t in o.subtree if t.lower_ in MAKER_WORDS]
    origin = first_country([a for m in makers for a in np_actors(view, m)])
    glued = [t for o in objects for t in o.subtree if "-" in t.text]
    return origin or next(filter(None, map(_maker_country, glued)), None)


def _maker_country(tok: Token) -> str | None:
    """The country of a one-token "U.S.-made" or "Russian-built"."""
    prefix, _, suffix = tok.text.rpartition("-")
    if suffix.lower() not in MAKER_WORDS or not prefix:
        return None
    for row in load_gazetteer().countries:
        if prefix in (*row.get("names", []), *row.get("demonyms", [])):
            return str(row["iso3"])
    return None


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
    return None


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
    confidence = 0.6
    if is_noun:
        if not word.startswith("deploy"):
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
            troops = _troop_noun(view, objects)
            moving = word in lex.words["troop_subject_verbs"]
            if (
                troops is None
                and moving
                and not any(c.dep_ in ("dobj", "obj") for c in trig.children)
            ):
                # "troops remained in X", "a contingent of soldiers would arrive": the troops
                # are the subject (a verb with an object of its own moves something else).
                subj = subject_of(trig)
                if subj is not None:
                    troops = _troop_noun(view, [subj])
                if troops is None and any(c.dep_ == "auxpass" for c in trig.children):
                    # "upward of 11,000 soldiers have been deployed": a subject the parser lost
                    # (on the raising verb: "between 2,000 and 2,500 personnel are believed
                    # to be stationed").
                    scope = trig.head if trig.dep_ == "xcomp" else trig
                    left = [t for t in scope.subtree if t.i < trig.i and t.i in view.troop_at]
                    troops = left[0] if left else None
            if troops is None:
                return []
            if troops.dep_ == "pobj":
                quantity_head = troops.head.head
        if troops is None:
            return []
        if quantity_head is None:
            quantity_head = troops
            # "a battalion of about 600 soldiers": the count sits on the inner troop noun.
            inner = [o for _, o in prep_objects(troops, ("of",)) if o.i in view.troop_at]
            if inner:
                troops = inner[0]
        subj = subject_of(trig)
        passive = troops.dep_ == "nsubjpass" or trig.dep_ == "acl"
        if subj is not None and subj.i in view.troop_at:
            passive = True
        own = np_actors(view, troops, conj=False)
        if quantity_head is not troops:
            own += np_actors(view, quantity_head, conj=False)
        if passive or subj is None:
            origin = first_country(own)
            if origin is None:
                agent = [o for p, o in prep_objects(trig, ("by",))]
                origin = first_country([a for o in agent for a in np_actors(view, o)])
        else:
            origin = first_country(np_actors(view, subj)) or first_country(own)
        if origin is None:
            return []
        destination = destination_of(view, [trig], lex)
    dest = destination.iso3 if destination else None
    if dest is None or dest == origin:
        confidence -= 0.15
        # "flown in from Japan": where troops come from is not where they go.
        source = {t.i for _, o in prep_objects(trig, ("from",)) for t in o.subtree}
        others = [
            a.iso3
            for a in sentence_actors(view, sent, lex, trig)
            if a.iso3 != origin and a.token not in source
        ]
        unknown_place = any(
            o.ent_type_ in ("GPE", "LOC") and o.i not in view.country_at
            for _, o in prep_objects(trig, TO_PREPS)
        )
        if not others and (source or unknown_place):
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
            others = [a.iso3 for a in setting if a.iso3 != origin]
            others = [c for c in others if c not in _source_countries(view, trig)]
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
        while first > sent.start and view.doc[first - 1].lower_ in QUANTIFIER_WORDS:
            first -= 1
        qtext = " ".join(t.text for t in view.doc[first : left[0].i]) + " " if left else ""
        qtext += " ".join(t.text for t in left)
        for t in quantity_head.subtree:
            if t.i in view.unit_at:
                unit = view.unit_at[t.i]
                break
    lo, hi, additional = parse_quantity(qtext)
    if lo is None and hi is None and quantity_head is not None:
        confidence -= 0.05
    fields: Fields = {
        "origin": origin,
        "destination": dest,
        "troops_min": lo,
        "troops_max": hi,
        "unit": unit,
        "additional": additional,
        "phase": _phase(word) if not is_noun else None,
    }
    return [Found("troop_deployment", fields, sent, trig, confidence)]


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
    else:
        if trig.dep_ in ("amod", "compound"):
            return []
        objects = [c for c in trig.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        # "fired what it called a new X": the object is a free relative clause.
        objects += [
            o
            for c in trig.children
            if c.dep_ in ("ccomp", "xcomp") and c.left_edge.lower_ in ("what", "which")
            for o in c.children
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
            if country is None and subj.lower_ in ("it", "they") and trig.dep_ == "ccomp":
                # "Iran's navy said it had test-fired ...": the speaker is "it".
                speaker = subject_of(trig.head)
                if speaker is not None:
                    country = first_country(np_actors(view, speaker))
        if country is None:
            agent = [o for p, o in prep_objects(trig, ("by",))]
            country = first_country([a for o in agent for a in np_actors(view, o)])
    if country is None:
        return []
    fields: Fields = {"country": country, "weapon": weapon}
    return [Found("weapons_test", fields, sent, trig, 0.7)]


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
)


# Nouns that name a part of a recurring exercise ("the latest round of", "the 21st edition of").
PARTITIVES = frozenset(["edition", "round", "phase", "stage", "leg", "part", "iteration"])


def exercises(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """military_exercise from "joint military exercises", "war games", "drills by X and Y"."""
    if trig.pos_ not in ("NOUN", "PROPN") or trig.dep_ == "compound":
        return []
    left = [t for t in trig.subtree if t.i < trig.i]
    words = {t.lower_ for t in left}
    war_games = trig.lower_ in ("games", "war games", "wargames")
    # "China's drills" is military enough; "diplomatic maneuvers" is not.
    national = trig.lower_ in ("drills", "exercises") and any(t.i in view.country_at for t in left)
    # "held the 21st edition of their annual X exercise": the verb governs the part.
    anchor = trig
    if trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.lower_ in PARTITIVES:
        anchor = trig.head.head
    verb = governing_verb(anchor)
    held = (
        verb is not None
        and verb.lower_ in lex.words["exercise_verbs"]
        and anchor.dep_ in ("dobj", "obj", "pobj", "nsubjpass")
    )
    # "troops from both countries are due to begin the drills".
    subj = subject_of(verb, READY_WORDS | DUE_WORDS) if held and verb is not None else None
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
    hosts = _exercise_hosts(view, trig)
    # "joined NATO's Nordic Response exercise": a named exercise someone holds or joins.
    named = held and _name_start(trig) < trig.i
    modified = war_games or bool(words & lex.words["exercise_modifiers"]) or national or named
    if len({a.iso3 for a in hosts if a.iso3}) >= 2:
        # "The exercise ... is co-hosted by the Thai and Malaysian armed forces".
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
    for _, pobj in prep_objects(trig, ("with", "between", "by", "involving")):
        countries.extend(np_actors(view, pobj))
    countries.extend(hosts)
    if held and verb is not None:
        if subj is not None:
            countries = np_actors(view, subj) + countries
            if not any(a.iso3 for a in countries):
                countries += _collective(view, subj, sent, lex)
        for _, pobj in prep_objects(verb, ("with",)):
            countries.extend(np_actors(view, pobj))
    isos: list[str] = []
    for actor in countries:
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
    fields: Fields = {"countries": sorted(isos), "name": name}
    return [Found("military_exercise", fields, sent, trig, 0.7)]


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


def invitations(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """invitation from "X invited Y to Z" and "extended an invitation for Y to attend Z"."""
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    inviter: list[Actor] = []
    invitee_tok: Token | None = None
    scope: list[Token] = [trig]
    if is_noun:
        verb = governing_verb(trig)
        for _, pobj in prep_objects(trig, ("for", "to")):
            invitee_tok = invitee_tok or pobj
        if verb is not None:
            scope.append(verb)
            subj = subject_of(verb)
            if trig.dep_ == "nsubjpass":
                for _, pobj in prep_objects(verb, ("to",)):
                    invitee_tok = invitee_tok or pobj
                # "Lavrov confirmed invitations were extended": the confirming side invites.
                upper = governing_verb(verb) if verb.dep_ != "ROOT" else None
                if upper is not None and (s := subject_of(upper)) is not None:
                    inviter = np_actors(view, s)
            elif subj is not None:
                inviter = np_actors(view, subj)
            senders = [a for _, o in prep_objects(trig, ("from",)) for a in np_actors(view, o)]
            if senders:
                # "X accepted an invitation from Y": Y invites, X is invited.
                if subj is not None and invitee_tok is None:
                    invitee_tok = subj
                inviter = senders
        inviter += [a for c in trig.children if c.dep_ == "poss" for a in np_actors(view, c)]
    else:
        subj = subject_of(trig)
        if subj is not None:
            inviter = np_actors(view, subj)
        for child in trig.children:
            # The first object: a later one sums the act up ("invited X, an invitation ...").
            if child.dep_ in ("dobj", "obj", "nsubjpass") and invitee_tok is None:
                invitee_tok = child
    origin = first_country(inviter)
    if origin is None and not is_noun:
        # "X invited Y to Athens / to the Azerbaijani capital": the host place is the inviter's.
        hosts = [a for _, o in prep_objects(trig, ("to",)) for a in np_actors(view, o, conj=False)]
        # "X invited Y to visit Nairobi": the place to be visited is the inviter's too.
        for verb in trig.children:
            if verb.dep_ == "xcomp" and verb.lower_ in ("visit", "come"):
                places = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
                places += [o for _, o in prep_objects(verb, ("to",))]
                hosts += [a for o in places for a in np_actors(view, o, conj=False)]
        origin = first_country([a for a in hosts if a.person is None])
    if invitee_tok is not None and not is_noun:
        # "invited President A and President B": one invitation per invited leader (a group,
        # "the ministers of A, B and C", stays one invitation).
        others = [c for c in invitee_tok.children if c.dep_ == "conj"]
        if not all(t.ent_type_ == "PERSON" for t in [invitee_tok, *others]):
            others = []
        found: list[Found] = []
        for tok in [invitee_tok, *others]:
            for f in _invitation(view, sent, trig, lex, origin, tok, scope, conj=not others):
                if all(g.fields["destination"] != f.fields["destination"] for g in found):
                    found.append(f)
        return found
    return _invitation(view, sent, trig, lex, origin, invitee_tok, scope, conj=True)


def _invitation(
    view: DocView,
    sent: Span,
    trig: Token,
    lex: Lexicon,
    origin: str | None,
    invitee_tok: Token | None,
    scope: list[Token],
    conj: bool,
) -> list[Found]:
    invitee = None
    destination = None
    if invitee_tok is not None:
        invitee = " ".join(t.text for t in _np_tokens(invitee_tok) if not t.is_punct) or None
        if invitee:
            ordered = sorted(_np_tokens(invitee_tok), key=lambda t: t.i)
            invitee = trig.doc[ordered[0].i : ordered[-1].i + 1].text
            if ordered[0].lower_ in ("the", "a", "an"):
                invitee = trig.doc[ordered[0].i + 1 : ordered[-1].i + 1].text or None
        invited = np_actors(view, invitee_tok, conj=conj)
        destination = first_country([a for a in invited if a.iso3 != origin])
    if origin is None:
        return []
    if destination is None:
        others = [a.iso3 for a in sentence_actors(view, sent, lex, trig) if a.iso3 != origin]
        if not others:
            return []
        destination = others[0]
    occasion = _occasion(trig, scope, lex)
    fields: Fields = {
        "origin": origin,
        "destination": destination,
        "invitee": invitee,
        "occasion": occasion,
    }
    return [Found("invitation", fields, sent, trig, 0.65)]


def _name_start(head: Token) -> int:
    """Where the run of capitalised words before `head` starts ("Guardians of the Nile")."""
    doc = head.doc
    start = head.i
    i = head.i - 1
    while i >= 0:
        tok = doc[i]
        if tok.is_title and tok.pos_ in ("PROPN", "NOUN", "ADJ"):
            start = i
        elif (tok.text in ("-", "of") and i > 0 and doc[i - 1].is_title) or (
            tok.text == "the" and i > 1 and doc[i - 1].text == "of" and doc[i - 2].is_title
        ):
            pass
        else:
            break
        i -= 1
    return start


def _occasion(trig: Token, scope: list[Token], lex: Lexicon) -> str | None:
    """A named occasion ("Victory Day") in the invitation's phrase."""
    for tok in scope:
        for t in tok.subtree:
            if t.lower_ in lex.words["occasion_heads"]:
                start = _name_start(t)
                if start < t.i:
                    end = t.i + 1 if t.is_title else t.i
                    return t.doc[start:end].text
    return None


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


def _fill_destinations(found: list[Found], view: DocView, lex: Lexicon) -> list[Found]:
    """Visits lacking a side: the same leader's destination elsewhere, else nearby countries."""
    known = {
        f.fields["leader"]: f.fields["destination"]
        for f in found
        if f.type == "delegation_visit" and f.fields["leader"] and f.fields["destination"]
    }
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


COLLECTIVE_WORDS = frozenset(["their", "both", "two", "three"])
COMMERCE_WORDS = frozenset(
    [
        *("production", "purchase", "purchases", "procurement", "sale", "sales", "supply"),
        *("supplies", "maintenance", "manufacture", "manufacturing", "cost-sharing", "lease"),
    ]
)
ANAPHORIC_DOCS = frozenset(["draft", "text", "document", "documents", "deal", "agreement"])


def _collective(view: DocView, np: Token, sent: Span, lex: Lexicon) -> list[Actor]:
    """The two countries named just before "the two sides", "both ministers", "their forces"."""
    if not any(t.lower_ in COLLECTIVE_WORDS for t in np.subtree):
        return []
    out: list[Actor] = []
    # The subjects of the sentences before first: "X and Y met in Z. Both ministers ...".
    subjects: list[Actor] = []
    for prev in _sentences_before(view, sent):
        subj = subject_of(prev.root)
        if subj is not None:
            subjects += np_actors(view, subj)
    for actor in subjects + _preceding_actors(view, sent, lex):
        if actor.iso3 and all(a.iso3 != actor.iso3 for a in out):
            out.append(actor)
    size = 3 if any(t.lower_ == "three" for t in np.subtree) else 2
    return out[:size] if len(out) >= size else []


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


def _source_countries(view: DocView, trig: Token) -> set[str]:
    return {a.iso3 for _, o in prep_objects(trig, ("from",)) for a in np_actors(view, o) if a.iso3}


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
    invited = [e for e in events if isinstance(e, Invitation) and e.invitee]
    # "arrived in Kyiv on a visit": two triggers of one sentence tell one visit; the fuller wins.
    best: dict[tuple[Any, ...], DelegationVisit] = {}
    for visit in visits_:
        key = (visit.caption, tuple(visit.span), visit.origin, visit.destination, visit.leader)
        if key not in best or _filled(visit) > _filled(best[key]):
            best[key] = visit
    out: list[Event] = []
    for e in events:
        if (
            isinstance(e, DelegationVisit)
            and best[(e.caption, tuple(e.span), e.origin, e.destination, e.leader)] is not e
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
            and any(o.origin == e.origin and o.destination == e.destination for o in quantified)
        ):
            continue
        if isinstance(e, MilitaryExercise) and any(
            set(e.countries) < set(o.countries) and (e.name is None or e.name == o.name)
            for o in exercises_
        ):
            continue
        out.append(e)
    return out


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
        elif first.occurred_on is None and event.occurred_on is not None:
            merged[event.event_id] = first.model_copy(update={"occurred_on": event.occurred_on})
    return _tidy(_drop_echoes(list(merged.values())))


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


def _texts(articles: list[Article]) -> Iterator[tuple[str, tuple[int, int]]]:
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
    for doc, (i, j) in nlp.pipe(_texts(articles), as_tuples=True, batch_size=batch_size):
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
