"""Agreements signed or reached between countries (`agreements`)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from services.extract.events.common import (
    IMPLIED_MEETING,
    Found,
    _collective,
    _company,
    _invited_to,
    _np_tokens,
    _preceding_words,
    story_pair,
)
from services.extract.events.transfers import contracted_goods
from services.extract.view import (
    Actor,
    DocView,
    Fields,
    Lexicon,
    governing_verb,
    np_actors,
    prep_objects,
    sentence_actors,
    subject_of,
)

UNILATERAL_ACTS = frozenset(
    ["sell", "send", "supply", "deliver", "provide", "deploy", "dispatch", "give", "ship"]
)


SHARED_VIEWS = frozenset(["need", "urgency", "importance", "necessity"])

# Verbs that, agreed to, tell a common stance or a way of acting together, not an accord:
# "agreed to coordinate their response", "agreed to push for tougher sanctions".
STANCE_ACTS = frozenset(["coordinate", "push", "press", "consult", "respond", "urge", "call"])


def _stance_only(trig: Token, kinds: set[str]) -> bool:
    """ "agreed to coordinate closely", "agreed to press for a vote": what is agreed is only a
    stance or a way of working together, and no accord (treaty, deal, truce) is named in it."""
    acts = [c for c in trig.children if c.dep_ == "xcomp" and c.lower_ in STANCE_ACTS]
    return bool(acts) and not any({t.lower_ for t in act.subtree} & kinds for act in acts)


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


# Prepositions that restate, as a noun, the accord a verb has just told ("agreed to X, in a
# deal ...", "signed on, under an accord ...").
RESTATING_PREPS = frozenset(["in", "under", "as"])


def _restates_verb(trig: Token, lex: Lexicon) -> bool:
    """An agreement noun hung on a verb of agreeing by "in"/"under"/"as" ("the two sides agreed
    to stop fighting, in a deal brokered by Y"): the same accord the verb tells, not another."""
    if trig.dep_ != "pobj" or trig.head.lower_ not in RESTATING_PREPS:
        return False
    verb = trig.head.head
    return verb.pos_ in ("VERB", "AUX") and verb.lower_ in lex.words["sign_verbs"]


# Subordinators of a clause that states a condition ("once a truce is agreed", "if a deal is
# signed").
CONDITION_MARKS = frozenset(["once", "if", "unless", "until", "provided"])


def _condition_only(verb: Token) -> bool:
    """A present-tense clause of condition hung on another clause ("X will send troops once a
    ceasefire is agreed", "talks resume if the accord is signed"): what it tells has not
    happened; a past one ("once the pact was signed, trade grew") tells what did."""
    if verb.dep_ != "advcl":
        return False
    if not any(c.dep_ in ("mark", "advmod") and c.lower_ in CONDITION_MARKS for c in verb.children):
        return False
    tenses = [verb.tag_, *(c.tag_ for c in verb.children if c.dep_ in ("aux", "auxpass"))]
    return not any(tag in ("VBD", "MD") for tag in tenses) and any(
        tag in ("VBZ", "VBP") for tag in tenses
    )


COMPARISON_PREPS = frozenset(["unlike", "like", "than", "besides", "except"])


def agreements(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """agreement from "signed a treaty", "agreed to halt strikes", "a ceasefire between X and Y"."""
    word = trig.lower_
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    if is_noun and trig.dep_ == "compound":
        return []
    sent_words = {t.lower_ for t in sent}
    parties: list[Actor] = []
    status = None
    told_in = trig if not is_noun else governing_verb(trig)
    if told_in is not None and _condition_only(told_in):
        return []  # "troops will go once a truce is agreed": a condition, not an accord made
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
        if _restates_verb(trig, lex):
            return []  # "agreed to a truce, in a deal brokered by Y": the verb's own accord
        explicit = len({a.iso3 for a in parties if a.iso3}) >= 2
        negotiating = verb is not None and _negotiated(trig, verb)
        if negotiating and verb is not None and not (signed or governed):
            # "negotiators from both countries are working on a trade agreement".
            subj = subject_of(verb)
            if subj is not None and not _company(subj, lex):
                parties = (np_actors(view, subj) or _collective(view, subj, sent, lex)) + parties
            status = "negotiating"
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
                parties = (np_actors(view, subj) or _collective(view, subj, sent, lex)) + parties
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
        if word.startswith("agree") and any(
            o.lower_ in SHARED_VIEWS for _, o in prep_objects(trig, ("on", "about"))
        ):
            return []  # "agreed on the need for a common front": a shared view, no accord
        kinds_here = set().union(*lex.agreement_kinds.values())
        words_here = {t.lower_ for t in trig.subtree}
        if word.startswith("agree") and not (words_here & kinds_here) and len(parties) < 2:
            return []
        if word.startswith("agree") and _stance_only(trig, kinds_here):
            return []  # "agreed to coordinate their response": a stance, no accord
        one_side = len({a.iso3 for a in parties if a.iso3}) < 2
        if (
            word.startswith("agree")
            and one_side
            and any(c.dep_ == "xcomp" and c.lower_ in UNILATERAL_ACTS for c in trig.children)
        ):
            return []  # "France agreed to sell Chile jets": a sale, built as arms_transfer
        status = "signed" if word.startswith("sign") or word in ("inked", "ink") else "agreed"
    brokers = _mediators(sent)
    parties = [a for a in parties if a.token not in brokers]
    isos = {a.iso3 for a in parties if a.iso3}
    if len(isos) < 2:
        for actor in sentence_actors(view, sent, lex, trig):
            if actor.iso3 and actor.iso3 not in isos and actor.token not in brokers:
                parties.append(actor)
                isos.add(actor.iso3)
    if len(isos) < 2 and _names_a_document(trig, lex) and not _business_signers(trig, lex):
        story = story_pair(view)
        if isos <= story:
            isos = set(story)
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
        if any(t.ent_type_ == "MONEY" for t in clause.subtree)
        or subtree_words & COMMERCE_WORDS
        or _for_goods(view, trig, clause)
        else set()
    )
    # "... in the presence of X, who had threatened to halt trade talks": a relative clause
    # about someone else says nothing of the agreement's kind.
    aside = {
        t.i
        for c in sent
        if c.dep_ == "relcl"
        and (c.head.i in view.person_at or c.head.i in view.country_at)
        and trig not in c.subtree
        for t in c.subtree
    }
    if aside:
        subtree_words = {t.lower_ for t in trig.subtree if t.i not in aside} | (
            {word} if is_noun else set()
        )
        sent_words = {t.lower_ for t in sent if t.i not in aside}
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
    found = [Found("agreement", fields, sent, trig, 0.65 if len(parties) >= 2 else 0.5)]
    return found + contracted_goods(view, sent, trig, lex) + signers_meeting(view, sent, trig, lex)


# Verbs and nouns of a third side's help in reaching an agreement ("a truce brokered by
# Qatar", "with the mediation of Egypt").
MEDIATOR_VERBS = frozenset(
    [
        *("broker", "brokers", "brokered", "brokering", "mediate", "mediates", "mediated"),
        *("mediating", "facilitate", "facilitates", "facilitated", "facilitating"),
    ]
)
BROKER_PREPS = frozenset(["by", "with", "through"])
MEDIATOR_NOUNS = frozenset(["help", "mediation", "auspices", "assistance", "facilitation"])


def _mediators(sent: Span) -> set[int]:
    """Tokens naming a go-between rather than a side of an agreement: the subject of, or the
    phrase after, a verb of brokering ("Qatar mediated ...", "a deal brokered by Egypt and the
    United States") and what follows "with the help / under the auspices of"."""
    out: set[int] = set()
    for tok in sent:
        if tok.lower_ in MEDIATOR_VERBS and tok.pos_ in ("VERB", "AUX"):
            for child in tok.children:
                by_whom = child.dep_ in ("agent", "prep") and child.lower_ in BROKER_PREPS
                if by_whom or child.dep_ == "nsubj":
                    out.update(t.i for t in child.subtree)
        if tok.lower_ in MEDIATOR_NOUNS and tok.dep_ == "pobj":
            for _, pobj in prep_objects(tok, ("of",)):
                out.update(t.i for t in pobj.subtree)
    return out


# Verbs of an agreement's purpose that make it a contract ("an agreement to build a pipeline").
CONTRACT_VERBS = frozenset(
    ["build", "construct", "buy", "purchase", "supply", "produce", "manufacture", "sell"]
)


def _for_goods(view: DocView, trig: Token, clause: Token) -> bool:
    """An agreement for things or for making them: "signed an agreement for 26 jets", "an
    agreement to build an oil pipeline"."""
    heads = {trig, clause, *(c for c in trig.children if c.dep_ in ("dobj", "obj"))}
    # "a trade agreement", "commercial agreements": a deal by its own modifier.
    if any(
        c.dep_ in ("amod", "compound") and c.lower_ in TRADE_WORDS
        for head in heads
        for c in head.children
    ):
        return True
    # "agreed to add a third submarine", "agreed to buy 12 jets": what is agreed is goods.
    if any(
        t.i in view.item_at
        for c in trig.children
        if c.dep_ == "xcomp"
        for o in c.children
        if o.dep_ in ("dobj", "obj")
        for t in o.subtree
    ):
        return True
    if any(
        c.dep_ in ("acl", "relcl") and c.lower_ in CONTRACT_VERBS
        for head in heads
        for c in head.children
    ):
        return True
    return any(
        t.i in view.item_at
        for head in heads
        for _, pobj in prep_objects(head, ("for",))
        for t in pobj.subtree
    )


def _title_name(trig: Token) -> str | None:
    """A proper name in front of a noun ("the Treaty on Comprehensive Strategic Partnership")."""
    left = [c for c in trig.lefts if c.dep_ in ("compound", "amod") and c.is_title]
    if not left or not trig.is_title:
        return None
    return trig.doc[left[0].i : trig.i + 1].text


COMMERCE_WORDS = frozenset(
    [
        *("production", "purchase", "purchases", "procurement", "sale", "sales", "supply"),
        *("supplies", "maintenance", "manufacture", "manufacturing", "cost-sharing", "lease"),
    ]
)


ANAPHORIC_DOCS = frozenset(["draft", "text", "document", "documents", "deal", "agreement"])


# Modifiers that make an agreement a deal ("a trade agreement", "commercial agreements").
TRADE_WORDS = frozenset(["trade", "commercial", "business", "investment", "purchase", "arms"])


# Verbs of an agreement still being made ("negotiating a deal", "working on a treaty").
NEGOTIATE_VERBS = frozenset(
    [
        *("negotiate", "negotiates", "negotiating", "draft", "drafts", "drafting"),
        *("finalise", "finalising", "finalize", "finalizing", "hammer", "hammering"),
    ]
)
WORK_VERBS = frozenset(["work", "works", "working", "worked"])


def _negotiated(trig: Token, verb: Token) -> bool:
    """ "negotiating a deal", "working on a trade agreement": the agreement is being made."""
    if verb.lower_ in NEGOTIATE_VERBS and trig.dep_ in ("dobj", "obj"):
        return True
    return (
        verb.lower_ in WORK_VERBS
        and trig.dep_ == "pobj"
        and trig.head.lower_ in ("on", "toward", "towards")
        and trig.head.head.i == verb.i
    )


# Nouns for the text of an agreement, besides the kinds of the lexicon.
DOCUMENT_NOUNS = frozenset(["agreement", "agreements", "accord", "accords"])


def _names_a_document(trig: Token, lex: Lexicon) -> bool:
    """Whether the trigger is, or signs, an agreement named as such ("the contract was signed",
    "signed 11 agreements", "the pact"), not an act that only may be one ("agreed to",
    "signed off")."""
    nouns = DOCUMENT_NOUNS.union(*lex.agreement_kinds.values())
    if trig.pos_ in ("NOUN", "PROPN"):
        return trig.lower_ in nouns
    return any(c.dep_ in ("dobj", "obj", "nsubjpass") and c.lower_ in nouns for c in trig.children)


# Heads of a business's name beyond the lexicon's non-state heads ("a resort group").
BUSINESS_HEADS = frozenset(["group", "groups", "chain", "developer", "investor", "investors"])


def _business_signers(trig: Token, lex: Lexicon) -> bool:
    """Whether a company or business group signs the agreement or is its other side
    ("Norwegian startup X signed a supply deal with a Chinese materials group")."""
    verb = trig if trig.pos_ in ("VERB", "AUX") else governing_verb(trig)
    heads = lex.words["non_state_heads"] | BUSINESS_HEADS
    holders = [trig]
    signers: list[Token] = []
    if verb is not None:
        subj = subject_of(verb)
        signers += [subj] if subj is not None else []
        holders += [verb, *(c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass"))]
    signers += [o for h in holders for _, o in prep_objects(h, ("with", "between"))]
    return any(_company(s, lex) or any(t.lower_ in heads for t in _np_tokens(s)) for s in signers)


# Subordinators of a clause that only dates another event ("weeks after X and Y signed").
PASSING_MARKS = frozenset(["after", "before", "since", "following", "ahead"])


def _in_passing(verb: Token) -> bool:
    """A signing told only to date the news ("two months after A and B signed a treaty"):
    background, whose meeting the article does not report."""
    if verb.dep_ == "pcomp":
        return verb.head.lower_ in PASSING_MARKS
    return verb.dep_ == "advcl" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ in PASSING_MARKS for c in verb.children
    )


# Verbs of putting one's name to a text, which the signers do together in one room.
SIGNING_VERBS = frozenset(["sign", "signs", "signed", "signing", "ink", "inked", "initialled"])


def signers_meeting(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """meeting from a text told as signed by two named officials of two countries ("the accord
    was signed in Lima by A and his Chilean counterpart B"): to sign together they met, where
    the sentence says they signed."""
    verb = trig if trig.pos_ in ("VERB", "AUX") else governing_verb(trig)
    if verb is None or verb.lower_ not in SIGNING_VERBS or verb.dep_ in ("amod", "acl", "relcl"):
        return []
    if any(c.dep_ == "neg" for c in verb.children) or _in_passing(verb):
        return []
    if not any(c.dep_ == "auxpass" for c in verb.children):
        return []
    signers = [o for _, o in prep_objects(verb, ("by",))]
    actors = [a for s in signers for a in np_actors(view, s) if a.person is not None]
    people: list[Actor] = []
    for actor in actors:
        if actor.iso3 and all(p.person != actor.person for p in people):
            people.append(actor)
    countries = sorted({p.iso3 for p in people if p.iso3})
    if len(people) < 2 or len(countries) < 2:
        return []
    # "signed a pact in Lima": the place may hang on the text signed.
    texts = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    where = next(
        (
            a.place
            for h in (verb, *texts)
            for _, o in prep_objects(h, ("in", "at"))
            for a in np_actors(view, o)
            if a.place
        ),
        None,
    )
    fields: Fields = {
        "participants": [p.person for p in people],
        "countries": countries,
        "place": where,
        "format": "in_person",
    }
    return [Found("meeting", fields, sent, trig, IMPLIED_MEETING)]
