"""One parsed document as the event builders read it.

`DocView` (the doc, its countries, people and resolved pronouns), `Lexicon`, `People`/`Person`,
`Actor`, and the syntax helpers every builder shares: actors of a noun phrase, subjects, objects,
governing verbs, destinations, modality and dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from typing import Any

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from schemas.events import _name_key
from services.extract import dates
from services.extract.pipeline import (
    COUNTRY_KEY,
    ITEM_KEY,
    PERSON_KEY,
    TITLE_KEY,
    TROOP_KEY,
    UNIT_KEY,
    WEAPON_KEY,
    Gazetteer,
    folded_name_key,
    load_gazetteer,
)

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
    ents = list(doc.ents if ents is None else ents)
    spans = [e for e in ents if e.label_ == "PERSON" or _who_named(e)] + known
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
        while start < end - 1 and (doc[start].lower_ in _TITLE_WORDS or _honorific(doc, start)):
            start += 1
        while end - 1 > start and doc[end - 1].text in POSSESSIVES:
            end -= 1
        if end - start >= 1 and doc[start].text[:1].isupper() and not _plural_body(doc[start:end]):
            out.append(doc[start:end])
    return out


def _plural_body(span: Span) -> bool:
    """ "the Joint Chiefs of Staff", "the Combined Forces of ...": a name the NER took for a
    person that ends in a plural noun and goes on with "of" and a capitalised word names a
    body, not a person."""
    doc = span.doc
    last = doc[span.end - 1]
    return (
        last.tag_ in ("NNPS", "NNS")
        and span.end + 1 < len(doc)
        and doc[span.end].lower_ == "of"
        and doc[span.end + 1].text[:1].isupper()
    )


# Honorifics before a Gulf ruler's given name ("Sheikh Tamim"), though a middle name too
# ("Hassan Sheikh Mohamud").
HONORIFICS = frozenset(["sheikh", "sheikha"])


def _honorific(doc: Doc, i: int) -> bool:
    """An honorific that opens a name ("Sheikh Tamim"), not one inside it."""
    return doc[i].lower_ in HONORIFICS and (
        i == 0 or not doc[i - 1].is_title or doc[i - 1].lower_ in _TITLE_WORDS
    )


# Offices a person holds: an organisation is never "the secretary of" something.
_OFFICE_NOUNS = frozenset(
    [
        "secretary",
        "minister",
        "adviser",
        "advisor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "envoy",
        "commander",
        "chairman",
        "chairwoman",
        "governor",
        "undersecretary",
    ]
)


def _who_named(ent: Span) -> bool:
    """A name the NER took for an organisation that a "who" clause describes ("Fritz Alphonse
    Jean, who chairs the council"): only people are "who"; so is one an office describes in
    apposition ("Jan Novak, the secretary of the council")."""
    if ent.label_ != "ORG" or len(ent) < 2 or not all(t.is_title for t in ent):
        return False
    return any(
        (
            c.dep_ == "relcl"
            and any(g.lower_ == "who" and g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        )
        or (
            c.dep_ == "appos"
            and c.i > ent.end
            and c.lower_ in _OFFICE_NOUNS
            and any(d.lower_ == "the" for d in c.children)
        )
        for c in ent.root.children
    )


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
        # Abbreviated ranks ("Lt. Gen. X", "Brig. Y"), one token each (see pipeline.py).
        *("gen.", "lt.", "lieut.", "maj.", "brig.", "col.", "capt.", "adm.", "cmdr.", "cdr."),
        *("sgt.", "cpl.", "pvt.", "lt.gen.", "maj.gen.", "brig.gen."),
    ]
)


def _collect_people(docs: list[Doc], named: list[list[Span]], gaz: Gazetteer) -> People:
    """Register every full name of the article with the country and title given next to it
    (`named[k]` are the `_person_spans` of `docs[k]`)."""
    known = gaz.people_by_key
    people = People()
    # A club's or company's name is no one's, wherever else the article writes it.
    bodies = {_name_key(s.text) or "" for spans in named for s in spans if _named_body(s)}
    for doc, spans in zip(docs, named, strict=True):
        titles = {t.i: s for s in doc.spans.get(TITLE_KEY, []) for t in s}
        countries = {t.i: s for s in doc.spans.get(COUNTRY_KEY, []) for t in s}
        for span in spans:
            words = span.text.split()
            key = _name_key(span.text) or ""
            if len(words) < 2 or span.root.i in countries or key in bodies:
                continue
            match = known.get(key) or known.get(folded_name_key(span.text))
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


def _named_body(span: Span) -> bool:
    """A name written after a club's or company's noun ("Brazilian club Esporte Clube Vila
    Serrana", "the carmaker Nordic Motors"): the name of that body, not of a person."""
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].pos_ == "PROPN" and doc[i].is_title:
        i -= 1
    return i >= 0 and doc[i].lower_ in _lexicon().words["non_state_heads"]


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
    commas = 0
    i = span.start - 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    while i >= 0 and len(window) < 9:
        tok = doc[i]
        if doc[i + 1].is_sent_start:
            break  # the sentence before describes someone else
        if (
            tok.text == ","
            and window
            and all(t.i in titles for t in window)
            and not commas
            and i > 0
            and doc[i - 1].i in titles
        ):
            # "Nigeria's chief of staff, General X": a rank before the name, the office
            # before the comma (not "to Y early next year, Defence Minister X said").
            commas += 1
            i -= 1
            continue
        if tok.is_punct and tok.text not in ("'s", "’s", "-", "."):
            break
        if tok.pos_ in ("VERB", "AUX", "ADP") and tok.i not in titles and not _in_office_name(tok):
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
    if iso3 is None:
        iso3 = _leads_whose(span, countries)
    if title is None:
        # A bare "official" or "leader" next to the name still tells the office.
        for tok in window:
            if tok.lower_ in ("official", "leader", "diplomat") and tok.i in titles:
                title = titles[tok.i]
    return iso3, title


def _in_office_name(tok: Token) -> bool:
    """An "of"/"for" inside a capitalised office name ("Minister of State for Defence")."""
    doc = tok.doc
    return (
        tok.lower_ in ("of", "for")
        and 0 < tok.i < len(doc) - 1
        and doc[tok.i - 1].is_title
        and doc[tok.i + 1].is_title
    )


LEADING_VERBS = frozenset(["led", "headed"])


def _leads_whose(span: Span, countries: dict[int, Span]) -> str | None:
    """ "an Australian delegation led by X": X heads, and belongs to, that side."""
    by = span.root.head
    verb = by.head
    if span.root.dep_ != "pobj" or by.lower_ != "by" or verb.lower_ not in LEADING_VERBS:
        return None
    group = verb.head
    if verb.dep_ != "acl" or group.lower_ not in ("delegation", "delegations"):
        return None
    for tok in group.lefts:
        if tok.i in countries and countries[tok.i].kb_id_ == "demonyms":
            return str(countries[tok.i].label_)
    return None


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
    _resolve_kingdom(view)
    _resolve_roles(view)
    _resolve_named_later(view)
    for span in doc.spans.get(TITLE_KEY, []):
        for tok in span:
            view.title_at[tok.i] = span
    for key, target in ((ITEM_KEY, view.item_at), (WEAPON_KEY, view.weapon_at)):
        for span in doc.spans.get(key, []):
            for tok in span:
                target[tok.i] = span.label_
    # Fighter designations ("F-35s", "Su-35", "MiG-29"): fighter jets by name.
    for tok in doc:
        if tok.i not in view.item_at and FIGHTER_DESIGNATION.fullmatch(tok.text):
            view.item_at[tok.i] = "fighter jets"
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
FIGHTER_DESIGNATION = re.compile(r"(?:F|FA|F/A|Su|MiG|J|JF|KF|TF)-\d{1,2}[A-Z]{0,2}s?")


def _resolve_pronouns(view: DocView) -> None:
    """A subject "he"/"she" names the person last written as a subject, in its own sentence
    or the two before it ("Mirziyoyev landed in Astana. On Wednesday he held talks ...")."""
    doc = view.doc
    last: Person | None = None
    last_sent = -1
    # A subject "it" continues the subject before it when that one was a country ("Vietnam's
    # defence ministry denied a report that it was buying jets"); any other subject ends that.
    state: Span | None = None
    state_sent = -1
    near: Span | None = None
    near_sent = -1
    subjects = _tokens_where(doc, "DEP", lambda dep: dep in ("nsubj", "nsubjpass"))
    owners = _tokens_where(doc, "LOWER", lambda word: word == "its")
    for i in sorted({*subjects, *owners}):
        tok = doc[i]
        sent_no = view.sent_no[i]
        if tok.lower_ == "its":
            # "Brazil denied that its troops had crossed": the owner "its" is the nearest
            # country subject before it in its sentence, else (when no subject comes before it
            # there) the main subject of the sentence before, as a subject "it" would be.
            if i not in view.country_at:
                if near_sent == sent_no:
                    if near is not None:
                        view.country_at[i] = near
                elif state is not None and sent_no - state_sent <= 1:
                    view.country_at[i] = state
            continue
        person = view.person_at.get(tok.i)
        if person is not None:
            last, last_sent = person, sent_no
        elif tok.lower_ in PERSONAL_PRONOUNS and last is not None and sent_no - last_sent <= 2:
            view.person_at[tok.i] = last
            view.person_span[tok.i] = doc[tok.i : tok.i + 1]
        if tok.lower_ == "it" and tok.i not in view.country_at:
            # In its own sentence the nearest country subject before it ("Washington says it
            # won't sell jets while Ankara keeps systems it bought" is Ankara).
            if near is not None and near_sent == sent_no:
                view.country_at[tok.i] = near
            elif state is not None and sent_no - state_sent <= 1:
                view.country_at[tok.i] = state
            continue
        near, near_sent = _subject_state(view, tok), sent_no
        # Only a main clause's subject sets the topic ("Poland, which X, has backed Kyiv since
        # Russia invaded. In 2023 it ..." is Poland).
        head = tok.head
        if head.dep_ == "ROOT" or (head.dep_ == "conj" and head.head.dep_ == "ROOT"):
            state, state_sent = _subject_state(view, tok), sent_no


# Monarchies a story may call "the kingdom" once it has named them.
KINGDOMS = frozenset(
    [
        *("SAU", "JOR", "MAR", "BHR", "GBR", "ESP", "THA", "NOR", "SWE", "DNK", "NLD", "BEL"),
        *("KHM", "BTN", "LSO", "SWZ", "TON"),
    ]
)
# How many sentences back "the kingdom" looks for the monarchy it stands for.
KINGDOM_REACH = 4


def _resolve_kingdom(view: DocView) -> None:
    """ "the kingdom" names the monarchy named last before it ("Jordan ... troops will be sent
    to the kingdom"), but not in a name ("the Kingdom of X", "the United Kingdom")."""
    doc = view.doc
    for i in _tokens_where(doc, "LOWER", lambda word: word == "kingdom"):
        tok = doc[i]
        if i in view.country_at or i == 0 or doc[i - 1].lower_ != "the":
            continue
        if i + 1 < len(doc) and doc[i + 1].lower_ == "of":
            continue
        for j in range(i - 1, -1, -1):
            if view.sent_no[i] - view.sent_no[j] > KINGDOM_REACH:
                break
            span = view.country_at.get(j)
            if span is not None and span.label_ in KINGDOMS:
                view.country_at[tok.i] = Span(doc, i, i + 1, label=span.label_, kb_id="names")
                break


def _subject_state(view: DocView, subj: Token) -> Span | None:
    """The country a subject names by itself or as its owner ("Greece", "Seoul's defence
    ministry"), not through a person."""
    if subj.i in view.person_at:
        return None
    if subj.i in view.country_at:
        return view.country_at[subj.i]
    for child in subj.children:
        if child.dep_ == "poss" and child.i in view.country_at:
            return view.country_at[child.i]
    return None


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
    # Offices one person holds at a time: "the crown prince", "the emir", anywhere before.
    "prince": ("prince",),
    "king": ("king",),
    "emir": ("emir",),
    "sultan": ("sultan",),
}
# Role nouns of a one-holder office, resolved across the whole text before them.
SOLE_ROLES = frozenset(["prince", "king", "emir", "sultan"])


# Prepositions whose object is a party to a meeting or call ("a call with / between").
PARTY_PREPS = frozenset(["with", "between", "by"])


def _party_position(tok: Token) -> bool:
    """Whether a noun stands where a party to an exchange does: a subject, an object, or the
    object of "with", "between" or "by"."""
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "obj"):
        return True
    return tok.dep_ == "pobj" and tok.head.lower_ in PARTY_PREPS


def _resolve_roles(view: DocView) -> None:
    """A subject "the minister" / "the Cambodian leader" names the latest person before it (in
    its sentence or the two before) whose title fits the noun and whose country fits the
    demonym, if one is written."""
    doc = view.doc
    named = sorted(view.person_at)
    for i in _tokens_where(doc, "LOWER", lambda word: word in ROLE_NOUNS):
        tok = doc[i]
        sole = tok.lower_ in SOLE_ROLES
        # "X and the crown prince spoke": a conjoined subject too, for a one-holder office,
        # and the one spoken with ("a call between the emir and X", "met the king").
        subject = tok.dep_ in ("nsubj", "nsubjpass") or (
            sole and (_party_position(tok) or (tok.dep_ == "conj" and _party_position(tok.head)))
        )
        if not subject or i in view.person_at:
            continue
        kids = list(tok.children)
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in kids) or any(
            (c.dep_ in ("prep", "appos", "compound", "poss") and not (sole and c.lower_ == "crown"))
            or c.lower_ in ("former", "late")
            for c in kids
        ):
            continue
        wanted = {view.country_at[c.i].label_ for c in kids if c.i in view.country_at}
        if tok.lower_ == "delegation" and not wanted:
            continue
        fits = ROLE_NOUNS[tok.lower_]
        first = 0 if sole else view.sents[max(0, view.sent_no[i] - 2)].start
        for j in reversed([j for j in named if first <= j < i]):
            person = view.person_at[j]
            if wanted and person.iso3 not in wanted:
                continue
            if not any(f in (person.title or "").lower() for f in fits):
                continue
            view.person_at[i] = person
            view.person_span[i] = doc[i : i + 1]
            break


# Offices a story may name before the holder ("Iran's foreign minister held talks ...", then
# "Foreign Minister X arrived ..."): the noun and the words its title must hold.
LATER_NAMED_ROLES = {"minister": "minister", "secretary": "secretary", "president": "president"}


def _resolve_named_later(view: DocView) -> None:
    """An office given with its country but no name ("Iran's foreign minister", "the Chilean
    defence minister"), standing as a party, names the one person the next two sentences
    name with that office (the same country or none written): news leads often give the
    title first and the name after. A holder of no known country takes the office's."""
    doc = view.doc
    named = sorted(view.person_at)
    for i in _tokens_where(doc, "LOWER", lambda word: word in LATER_NAMED_ROLES):
        tok = doc[i]
        if i in view.person_at or not _party_position(tok):
            continue
        kids = [c for c in tok.children if c.i < tok.i]
        wanted = {view.country_at[c.i].label_ for c in kids if c.i in view.country_at}
        if not wanted or any(c.dep_ in ("appos", "prep") for c in tok.children):
            continue
        office = " ".join(
            c.lower_ for c in kids if c.dep_ in ("compound", "amod") and c.i not in view.country_at
        )
        office = f"{office} {LATER_NAMED_ROLES[tok.lower_]}".strip()
        last = view.sents[min(len(view.sents) - 1, view.sent_no[i] + 2)].end
        fits = {
            id(view.person_at[j]): view.person_at[j]
            for j in named
            if i < j < last
            and office in (view.person_at[j].title or "").lower()
            and view.person_at[j].iso3 in (None, *wanted)
        }
        if len(fits) == 1:
            person = next(iter(fits.values()))
            if person.iso3 is None and len(wanted) == 1:
                person.iso3 = next(iter(wanted))  # the office told whose minister they are
            view.person_at[i] = person
            view.person_span[i] = doc[i : i + 1]


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
            return not _side_of_place(cur)
    return False


def _side_of_place(noun: Token) -> bool:
    """ "the Somali side of the border": a side of something is a stretch of territory, the
    country's own, not a sports side."""
    return noun.lower_ == "side" and any(
        c.dep_ == "prep" and c.lower_ == "of" for c in noun.children
    )


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
    """A demonym that only says who leads a force ("the Kenyan-led force" in Haiti) or names
    a language ("a French-language news site")."""
    doc = tok.doc
    end = span.end
    return (
        span.kb_id_ == "demonyms"
        and end + 1 < len(doc)
        and doc[end].text == "-"
        and doc[end + 1].lower_ in ("led", "language", "speaking")
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
    """One actor per person and per country; a country written again as its capital lends
    the first mention its place ("Kazakhstan's capital Astana", "Egypt's capital, Cairo")."""
    out: list[Actor] = []
    for actor in actors:
        if actor.person is not None and any(a.person == actor.person for a in out):
            continue
        same = [k for k, a in enumerate(out) if a.iso3 == actor.iso3 and a.person is None]
        if actor.person is None and same:
            first = out[same[0]]
            if first.place is None and actor.place is not None:
                out[same[0]] = replace(first, place=actor.place)
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
        if real and real[0].tag_ in ("WP", "WDT") and cur.dep_ == "relcl":
            # "X, who made a state visit to Y": the relative pronoun stands for X.
            return cur.head
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
            if verb.pos_ in ("NOUN", "PROPN") and cur.head.lower_ == "of":
                # "accused traffickers from X of smuggling": the parser hangs "of" on X and
                # "from X" on the verb; the object from X does it, and X is where it is from.
                up = verb
                while up.dep_ in ("pobj", "prep") and up.head.i != up.i:
                    up = up.head
                objs = [c for c in up.children if c.dep_ in ("dobj", "obj")]
                if up.pos_ != "VERB" or not objs or up.i == verb.i:
                    return None
                origin = verb.dep_ == "pobj" and verb.head.lower_ == "from"
                return verb if origin and verb.head.head.i == up.i else objs[0]
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


def destination_of(
    view: DocView, toks: Iterable[Token], lex: Lexicon, objects: bool = True
) -> Actor | None:
    """Where something goes: "to Russia", "in Pyongyang", "visited North Korea", "to aid Moscow"
    (`objects=False`: a verb's object is the place left, as in "left Nairobi", not the goal)."""
    toks = list(toks)
    for tok in toks:
        for _, pobj in prep_objects(tok, TO_PREPS):
            actors = np_actors(view, pobj)
            if actors and actors[0].iso3:
                return _with_capital_after(view, pobj, actors[0])
        for child in tok.children:
            if objects and child.dep_ in ("dobj", "obj") and tok.pos_ == "VERB":
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
                        # "to join the UN mission in Haiti": where the joined force is.
                        actors += [
                            a for _, o in prep_objects(obj, TO_PREPS) for a in np_actors(view, o)
                        ]
                        actors = [a for a in actors if a.person is None] or actors
                        if actors and actors[0].iso3:
                            return actors[0]
    for tok in toks:
        place = _purpose_place(view, tok)
        if place is not None:
            return place
    return None


# Verbs of what sent forces do where they go ("to fight in X", "to serve in Y").
# The parse has no lemmas: the bare infinitive is the only form after "to".
DUTY_VERBS = frozenset(["fight", "serve", "operate", "patrol", "train", "guard"])


def _purpose_place(view: DocView, tok: Token) -> Actor | None:
    """ "sent troops to fight in Sudan", "deployed soldiers to serve in Haiti": a purpose
    infinitive of a duty done in a named country tells where the sent go."""
    for child in tok.children:
        if child.dep_ not in ("advcl", "xcomp") or child.lower_ not in DUTY_VERBS:
            continue
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            continue
        for _, pobj in prep_objects(child, ("in",)):
            actors = [a for a in np_actors(view, pobj) if a.person is None]
            if actors and actors[0].iso3:
                return actors[0]
    return None


CAPITAL_NOUNS = frozenset(["capital"])


def _with_capital_after(view: DocView, noun: Token, actor: Actor) -> Actor:
    """ "in Egypt's capital, Cairo,": the capital the parser hung elsewhere, written right after
    the noun "capital" (after a comma or not), is the place of the country it names."""
    if actor.place is not None or noun.lower_ not in CAPITAL_NOUNS:
        return actor
    i = noun.i + 1
    if i < len(view.doc) and view.doc[i].text == ",":
        i += 1
    span = view.country_at.get(i)
    if span is None or span.kb_id_ != "capitals" or span.label_ != actor.iso3:
        return actor
    return replace(actor, place=span.text)


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
        if (cur.i != trigger.i and plans_below) or (cur.i == trigger.i and cur.lower_ in DUE_WORDS):
            # A trigger that is itself "expected" or "due" ("is expected in Oslo") is its cue.
            words.append(cur)
        if _be_to(cur) or _committed_to(cur):
            found.add("planned")  # "X is to visit Y", "signed a contract to buy": a plan
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
        if cur.dep_ == "relcl":
            break  # "X, which has supplied arms to Y, rejected ...": the main clause's cue is X's
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


BE_FORMS = frozenset(["is", "are", "was", "were", "'s", "’s"])
# Nouns of a commitment or a negotiation whose infinitive is not done yet ("signed a contract
# to buy", "is in talks to acquire").
COMMITMENT_NOUNS = frozenset(
    [
        *("deal", "deals", "contract", "contracts", "agreement", "agreements", "accord"),
        *("talks", "negotiations", "memorandum"),
    ]
)


def _committed_to(verb: Token) -> bool:
    """An infinitive a commitment or negotiation noun governs ("a contract to buy jets", "in
    talks to acquire tanks"), or that the parser hung on the verb taking that noun ("signed a
    contract on Thursday to buy jets"): what is signed or negotiated is still to come."""
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    if verb.dep_ in ("acl", "relcl"):
        return verb.head.lower_ in COMMITMENT_NOUNS
    if verb.dep_ == "advcl":
        return any(
            c.dep_ in ("dobj", "obj") and c.lower_ in COMMITMENT_NOUNS for c in verb.head.children
        )
    return False


def _be_to(verb: Token) -> bool:
    """ "Turkey is to supply drones", "the ministers are to meet": the "be to" of plans."""
    return (
        verb.dep_ == "xcomp"
        and verb.head.lower_ in BE_FORMS
        and verb.head.pos_ == "AUX"
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    )


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
        if (
            cur.lower_ in NAMING_VERBS
            and cur.dep_ in ("conj", "acl", "advcl")
            and cur.i != trigger.i
        ):
            continue  # "held drills, codenamed X, near Y in May": the naming is no clause
        if cur.i == trigger.i or cur.pos_ in ("VERB", "AUX"):
            return cur
    return cur


NAMING_VERBS = frozenset(["codenamed", "code-named", "dubbed", "named", "called"])


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


IMPERSONAL_PRONOUNS = frozenset(["it", "they"])


def speaker_for(subj: Token) -> Token | None:
    """The speaker a pronoun subject stands for in reported speech: "Sweden said it would send
    troops", "Washington has said it will not sell jets" (the subject of the reporting verb)."""
    if subj.lower_ not in IMPERSONAL_PRONOUNS:
        return None
    cur = subj.head
    for _ in range(4):
        if cur.dep_ == "ccomp":
            speakers = [c for c in cur.head.children if c.dep_ == "nsubj"]
            return (
                speakers[0] if speakers and speakers[0].lower_ not in IMPERSONAL_PRONOUNS else None
            )
        if cur.dep_ not in ("xcomp", "conj") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None
