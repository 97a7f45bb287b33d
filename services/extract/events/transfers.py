"""Arms transfers, given or taken (`transfers`)."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from services.extract.events.common import (
    ARMED_SERVICES,
    Found,
    _company,
    _sentences_before,
    _troop_noun,
    story_pair,
)
from services.extract.pipeline import load_gazetteer
from services.extract.view import (
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
    subject_of,
)


def _items(view: DocView, toks: Iterable[Token]) -> list[str]:
    """The arms item classes of the noun phrases: lexicon items, else military hardware the
    lexicon lacks ("IRIS-T systems", "patrol ships", "fighting vehicles")."""
    out: list[str] = []
    for tok in toks:
        for t in tok.subtree:
            item = view.item_at.get(t.i) or _hardware(view, t)
            if item and item not in out:
                out.append(item)
    return out


# Hardware nouns that are arms whatever modifies them.
PLAIN_HARDWARE = {
    **dict.fromkeys(["armaments", "armament", "materiel", "guns", "bombs"], "weapons"),
    **dict.fromkeys(["landmines", "torpedoes"], "weapons"),
    **dict.fromkeys(["interceptors", "interceptor"], "missiles"),
    **dict.fromkeys(["gunships"], "fighter jets"),
    **dict.fromkeys(["gunboats"], "warships"),
}
# Generic hardware nouns that are arms only with a military word before them, and the
# class each military word makes of them ("patrol ships", "fighting vehicles").
_QUALIFIED: list[tuple[tuple[str, ...], dict[str, str]]] = [
    (
        ("ships", "ship", "vessels", "vessel", "boats", "cutters"),
        dict.fromkeys(
            ["patrol", "naval", "navy", "combat", "landing", "missile", "amphibious", "attack"],
            "warships",
        ),
    ),
    (
        ("aircraft", "planes", "airplanes"),
        dict.fromkeys(
            [
                *("transport", "military", "trainer", "training", "combat", "attack"),
                *("surveillance", "patrol", "reconnaissance", "tanker", "fighter", "air-force"),
            ],
            "fighter jets",
        ),
    ),
    (
        ("vehicles", "vehicle"),
        {
            **dict.fromkeys(["fighting", "combat", "tactical"], "tanks"),
            **dict.fromkeys(["mine-resistant", "mrap"], "military equipment"),
        },
    ),
    (
        ("systems", "system", "batteries", "battery"),
        {
            **dict.fromkeys(["missile", "interceptor"], "missiles"),
            **dict.fromkeys(["rocket", "artillery"], "artillery"),
            **dict.fromkeys(
                ["anti-aircraft", "anti-drone", "counter-drone"], "air defense systems"
            ),
            "radar": "military equipment",
        },
    ),
    (
        ("guns",),
        {
            **dict.fromkeys(["anti-aircraft", "air-defence", "air-defense"], "air defense systems"),
            **dict.fromkeys(["self-propelled", "field", "howitzer"], "artillery"),
        },
    ),
    (
        ("trucks", "truck", "lorries", "jeeps"),
        dict.fromkeys(["military", "army", "troop", "armoured", "armored"], "military equipment"),
    ),
    (("armour", "armor"), {"body": "military equipment"}),
    (("rounds",), dict.fromkeys(["mortar", "artillery", "tank", "howitzer"], "ammunition")),
    (("mines",), dict.fromkeys(["anti-tank", "anti-personnel", "naval", "sea"], "weapons")),
    (("fighters",), {"jet": "fighter jets", "stealth": "fighter jets"}),
    (
        ("assistance", "aid", "support"),
        dict.fromkeys(["security", "lethal", "defence", "defense"], "military aid"),
    ),
]
QUALIFIED_HARDWARE = {head: classes for heads, classes in _QUALIFIED for head in heads}

# Generic hardware nouns that a model designation makes arms ("S-400 systems", "CV90
# vehicles"); not aircraft ("A320 aircraft") nor fighters ("M23 fighters" are rebels).
DESIGNATED_HARDWARE = {
    **dict.fromkeys(["systems", "system", "batteries", "battery"], "air defense systems"),
    **dict.fromkeys(["vehicles"], "tanks"),
}


def _hardware(view: DocView, tok: Token) -> str | None:
    """The arms class of a hardware noun the item lexicon lacks: one that is arms on its own
    ("interceptors"), one a military word qualifies ("patrol ships", "fighting vehicles",
    "missile systems") or one a model designation names ("S-400 systems", "IRIS-T systems")."""
    word = tok.lower_
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    words = _premodifiers(tok)
    qualified = QUALIFIED_HARDWARE.get(word, {})
    for part in words:
        if part.lower() in qualified:
            return qualified[part.lower()]
    if word in DESIGNATED_HARDWARE and any(_designation(w) for w in words):
        return DESIGNATED_HARDWARE[word]
    return PLAIN_HARDWARE.get(word)


def _premodifiers(tok: Token) -> list[str]:
    """The words written before a noun within its phrase, hyphenated ones whole
    ("self-propelled", "IRIS-T", which the tokenizer splits)."""
    before = [t for t in tok.subtree if t.i < tok.i]
    if not before:
        return []
    text = tok.doc[before[0].i : tok.i].text
    return text.replace(" - ", "-").replace("- ", "-").replace(" -", "-").split()


def _designation(text: str) -> bool:
    """A weapon model's designation: a capital letter, then digits or a capitalised part
    after a hyphen ("S-400", "IRIS-T", "K9", "CV90"); not "5G", "U.S.-made" or a year."""
    if not text[:1].isalpha() or not text[:1].isupper() or len(text) > 10:
        return False
    head, _, tail = text.partition("-")
    if tail:
        return head.isupper() and (tail[:1].isupper() or tail[:1].isdigit())
    return any(ch.isdigit() for ch in text)


# Events hardware is sent to take part in, not to be handed over at.
OCCASION_NOUNS = frozenset(
    [
        *("exercise", "exercises", "drill", "drills", "review", "parade", "parades"),
        *("show", "airshow", "exhibition", "expo", "festival", "ceremony", "celebrations"),
    ]
)


def _sent_to_occasion(trig: Token) -> bool:
    """ "to send a frigate to a fleet review", "flew two jets to the air show": hardware sent
    "to" an event takes part in it and stays its owner's, so it is no transfer."""
    return any(o.lower_ in OCCASION_NOUNS for p, o in prep_objects(trig, ("to",)))


def transfers(view: DocView, sent: Span, trig: Token, lex: Lexicon, taking: bool) -> list[Found]:
    """arms_transfer from "supplied arms to X", "received technology from Y", "relied on X for"."""
    word = trig.lower_
    # "of smuggling rifles to X": a gerund the tagger took for a noun still takes an object.
    is_noun = trig.pos_ in ("NOUN", "PROPN") and not any(c.dep_ == "dobj" for c in trig.children)
    origin: str | None = None
    destination: str | None = None
    items: list[str] = []
    objects: list[Token] = []  # the goods' noun phrases, of a verb trigger
    confidence = 0.6
    passive = False
    if word in ("give", "gives", "gave", "given", "giving") and any(
        c.dep_ == "prt" and c.lower_ == "up" for c in trig.children
    ):
        return []  # "give up its nuclear weapons": renouncing, not handing over
    if is_noun and taking:
        return _purchase(view, sent, trig, lex)
    if trig.dep_ == "amod" and not taking:
        return _supplied_goods(view, sent, trig)
    if is_noun:
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
        if verb is not None and verb.lower_ in TAKING_VERBS and trig.dep_ in ("dobj", "obj"):
            # "Serbia took delivery of Chinese FK-3 systems": the taker receives.
            subj = subject_of(verb)
            destination = first_country(np_actors(view, subj)) if subj is not None else None
            goods = [o for _, o in prep_objects(trig, ("of",))]
            origin = origin or first_country([a for g in goods for a in np_actors(view, g)])
            origin = origin or _maker_of(view, goods)
        if origin is None:
            # "deliveries of Israeli air defence systems to Morocco", "the shipment of rockets
            # from Bulgaria": the goods' country sends them.
            goods = [o for _, o in prep_objects(trig, ("of",))]
            origin = _goods_source(view, goods, destination)
        if origin is None and verb is not None and trig.dep_ in ("dobj", "obj", "pobj"):
            # "Washington approved the sale of jets to Israel": the approver sells.
            subj = subject_of(verb)
            if subj is not None:
                origin = first_country(np_actors(view, subj))
        if origin is None and destination is not None and _story_may_fill(trig, [], items):
            # "The deal includes the delivery of 48 howitzers to Estonia", in a story about
            # Estonia and its supplier: the story's other country sends them.
            origin = next(iter(_other_of_story(view, destination)), None)
            confidence -= 0.15
        if origin is None:
            return []
    else:
        objects = [c for c in trig.children if c.dep_ in ("dobj", "obj", "nsubjpass", "attr")]
        raised = _raised_goods(trig, objects)
        objects = [o for o in objects if o.tag_ != "WDT" and o.lower_ != "that"] + raised
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
            if not items or _sent_to_occasion(trig):
                return []
            troops = _troop_noun(view, objects)
            # "sell JF-17 fighters": a troop word an arms item modifies is hardware.
            hardware = troops is not None and (
                _items(
                    view,
                    [
                        c
                        for c in troops.children
                        if c.dep_ in ("compound", "nummod", "amod", "nmod", "poss")
                    ],
                )
                or _hardware(view, troops)
            )
            if troops is not None and not _items(view, list(troops.conjuncts)) and not hardware:
                # "will send 3,000 servicemen together with armour": a deployment, not a sale.
                return []
            subj = subject_of(trig) or _party_to_plan(view, trig)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in trig.children) or (
                trig.dep_ == "acl" and trig.tag_ in ("VBN", "VBD")
            )
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
                # "bought radars from Israeli firm X": the seller's country supplies.
                origin = origin or next(
                    (c for s in src if (c := _company_country(view, s, lex)) is not None), None
                )
                origin = origin or _maker_of(view, objects)
                if origin == destination:
                    origin = None  # "tanks built in Poland" for Poland: made at home, not sent
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
                if destination is None and passive:
                    destination = _user_of(view, trig)
                if passive and raised:
                    # "Chile's first tanks, part of an order from Germany, are due to be
                    # delivered": the goods' owner receives them, the one ordered from sends.
                    destination = destination or _owner_of(view, raised)
                    origin = origin or first_country(
                        [
                            a
                            for r in raised
                            for t in r.subtree
                            for _, o in prep_objects(t, ("from",))
                            for a in np_actors(view, o)
                        ]
                    )
    if not items:
        return []
    # One side missing: the other actor of the sentence.
    if origin is None or destination is None:
        confidence -= 0.15
        known = origin or destination
        # "supplied the army with Turkish-made drones": the maker is neither side here.
        made = {m for m in _made_in(view, sent) if m != known}
        others = [
            a.iso3
            for a in sentence_actors(view, sent, lex, trig)
            if a.iso3 is not None and a.iso3 != known and a.iso3 not in made
        ]
        if not others and origin is None and destination is not None and passive:
            # "X's review of the transfer of Spanish equipment. Two radars were handed over
            # to the Colombian navy": the sender of the transfer told just before.
            others = list(_earlier_sender(view, sent, destination))
        if not others and known is not None and _story_may_fill(trig, objects, items):
            # "Rheinmetall delivered shells to the Polish army", in a story about Germany and
            # Poland: the other side is the other country of the story.
            others = _other_of_story(view, known) if destination or _state_recipient(trig) else []
        if not others or known is None:
            return []
        if origin is None:
            origin = others[0]
        else:
            destination = others[0]
    if origin is None or destination is None or origin == destination:
        return []
    fields: Fields = {"origin": origin, "destination": destination, "items": items}
    found = [Found("arms_transfer", fields, sent, trig, confidence)]
    # "Denmark and the Netherlands delivered jets", "to Ukraine and Moldova": a transfer per pair.
    for other_origin in [origin, *_conjoined(view, sent, trig, lex, origin)]:
        for other_destination in [destination, *_conjoined(view, sent, trig, lex, destination)]:
            if other_origin in (origin, other_destination) and other_destination == destination:
                continue
            if other_origin == other_destination:
                continue
            pair: Fields = {**fields, "origin": other_origin, "destination": other_destination}
            found.append(Found("arms_transfer", pair, sent, trig, confidence))
    if _offered_sale(trig):
        # "X has offered to sell jets to Y": a deal proposed between the two.
        deal: Fields = {
            "parties": sorted([origin, destination]),
            "agreement_kind": "deal",
            "name": None,
            "status": "proposed",
        }
        found.append(Found("agreement", deal, sent, trig, confidence))
    return found


def _conjoined(view: DocView, sent: Span, trig: Token, lex: Lexicon, iso3: str) -> list[str]:
    """The countries written in conjunction with a side where the transfer's clause writes it
    ("Denmark and the Netherlands delivered", "Turkish and Iranian drones"), other than that
    side; a side the clause does not write (filled from elsewhere) has none."""
    subj = subject_of(trig) or _party_to_plan(view, trig)
    zone = {t.i for t in trig.subtree} | (
        {t.i for t in subj.subtree} if subj is not None else set()
    )
    mention = next(
        (
            a
            for a in sentence_actors(view, sent, lex, trig)
            if a.iso3 == iso3 and a.person is None and a.token in zone
        ),
        None,
    )
    if mention is None or mention.token not in view.country_at:
        return []
    out: list[str] = []
    for conj in view.country_at[mention.token].root.conjuncts:
        if conj.i > trig.i and _opens_clause(view, conj):
            continue  # "supplied weapons to Syria and Iran condemned ...": a new clause
        actor = _actor_at(view, conj) if conj.i in view.country_at else None
        if actor is not None and actor.iso3 and actor.iso3 != iso3 and actor.iso3 not in out:
            out.append(actor.iso3)
    return out


# Nouns of a commitment whose party does what its infinitive says ("a deal to supply").
PLAN_NOUNS = frozenset(
    [
        *("deal", "deals", "contract", "contracts", "agreement", "agreements", "accord"),
        *("plan", "plans", "pledge", "commitment", "offer", "decision", "memorandum"),
    ]
)
# Nouns of a negotiation a party is in ("Peru is in talks to buy jets").
TALKS_NOUNS = frozenset(["talks", "negotiations", "discussions"])


def _party_to_plan(view: DocView, trig: Token) -> Token | None:
    """Who does what a deal or plan commits to ("Baykar signed a deal to supply drones",
    "the US decision to send tanks"): the noun's own side, else the subject of its verb;
    who is in talks to do it ("Peru is in talks to buy jets")."""
    noun = trig.head
    if trig.dep_ not in ("relcl", "acl") or noun.lower_ not in PLAN_NOUNS | TALKS_NOUNS:
        return None
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children):
        return None
    if noun.lower_ in TALKS_NOUNS:
        # "Peru is in talks to buy jets": the subject of the clause the talks are in.
        held = noun.dep_ == "pobj" and noun.head.lower_ == "in"
        return subject_of(noun.head.head) if held else None
    owners = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod")]
    if any(np_actors(view, o) for o in owners):
        return noun
    verb = governing_verb(noun)
    return subject_of(verb) if verb is not None and noun.dep_ in ("dobj", "obj") else None


FINITE_TAGS = frozenset(["VBD", "VBZ", "VBP", "MD"])


def _opens_clause(view: DocView, tok: Token) -> bool:
    """Whether a country is the subject of a clause of its own: a finite verb follows it."""
    span = view.country_at.get(tok.i)
    end = span.end if span is not None else tok.i + 1
    return end < len(tok.doc) and tok.doc[end].tag_ in FINITE_TAGS


SALE_WORDS = frozenset(["sell", "supply", "export"])
OFFER_WORDS = frozenset(["offer", "offers", "offered", "offering", "proposed", "proposes"])


def _offered_sale(trig: Token) -> bool:
    """ "offered to sell / supply": the verb of a sale an offer governs."""
    return trig.lower_ in SALE_WORDS and trig.dep_ == "xcomp" and trig.head.lower_ in OFFER_WORDS


TRANSFER_NOUNS = frozenset(
    ["transfer", "transfers", "delivery", "deliveries", "shipment", "shipments", "handover"]
)


def _earlier_sender(view: DocView, sent: Span, destination: str) -> list[str]:
    """The countries of a transfer noun in the sentence just before ("the transfer of
    Japanese equipment"), other than the receiver."""
    for prev in _sentences_before(view, sent, 1):
        for tok in prev:
            if tok.lower_ not in TRANSFER_NOUNS or tok.pos_ != "NOUN":
                continue
            senders = [
                a.iso3
                for a in np_actors(view, tok)
                + [a for _, o in prep_objects(tok, ("of", "from")) for a in np_actors(view, o)]
                if a.iso3 and a.iso3 != destination and a.person is None
            ]
            if senders:
                return senders
    return []


def _goods_source(view: DocView, goods: list[Token], receiver: str | None) -> str | None:
    """The country the goods come from as their phrase writes it: "Israeli systems",
    "rockets from Bulgaria", "jets ordered from France", "U.S.-made helicopters"; not their
    owner ("Ukraine's tanks") nor the receiver."""
    actors = []
    for g in goods:
        for t in g.subtree:
            from_phrase = t.dep_ == "pobj" and t.head.lower_ == "from"
            if t.dep_ in ("amod", "compound", "nmod") or from_phrase:
                actors += [a for a in np_actors(view, t, conj=False) if a.person is None]
    source = first_country([a for a in actors if a.iso3 != receiver])
    return source or _maker_of(view, goods)


# Nouns of buying: the buyer owns the noun ("Morocco's purchase of Turkish drones").
PURCHASE_NOUNS = frozenset(["purchase", "purchases", "import", "imports"])


def _purchase(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """arms_transfer from a noun of buying: "Morocco's purchase of 24 Turkish drones",
    "the purchase of jets by Poland from the United States", "Poland approved the purchase
    of helicopters from the US" (the approver buys)."""
    if trig.lower_ not in PURCHASE_NOUNS or trig.dep_ == "compound":
        return []
    goods = [o for _, o in prep_objects(trig, ("of",))]
    items = _items(view, goods + [c for c in trig.children if c.dep_ in ("compound", "amod")])
    if not items:
        return []
    owners = [c for c in trig.children if c.dep_ in ("poss", "compound", "amod")]
    owners += [o for _, o in prep_objects(trig, ("by",))]
    destination = first_country([a for o in owners for a in np_actors(view, o)])
    verb = governing_verb(trig)
    if destination is None and verb is not None and trig.dep_ in ("dobj", "obj"):
        subj = subject_of(verb)
        destination = first_country(np_actors(view, subj)) if subj is not None else None
    sellers = [a for _, o in prep_objects(trig, ("from",)) for a in np_actors(view, o)]
    origin = first_country(sellers) or _goods_source(view, goods, destination)
    if origin is None or destination is None or origin == destination:
        return []
    fields: Fields = {"origin": origin, "destination": destination, "items": items}
    return [Found("arms_transfer", fields, sent, trig, 0.6)]


# Verbs of a recipient with a transfer noun ("took delivery of", "awaits the shipment of").
TAKING_VERBS = frozenset(
    [
        *("take", "takes", "took", "taken", "taking", "accept", "accepts", "accepted"),
        *("await", "awaits", "awaited", "awaiting"),
    ]
)


MAKER_WORDS = ("made", "built", "manufactured", "produced", "supplied")
ORDER_WORDS = ("ordered", "bought", "purchased", "acquired", "procured")


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
    # "helicopters built by Turkey", "jets ordered from France" (not "built in Poland": a
    # licence may build them at the receiver's).
    where = [
        o
        for obj in objects
        for t in obj.subtree
        if t.dep_ == "acl" and t.lower_ in (*MAKER_WORDS, *ORDER_WORDS)
        for _, o in prep_objects(t, ("by", "from"))
    ]
    origin = origin or first_country([a for w in where for a in np_actors(view, w)])
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


# Verbs that raise the goods of a planned delivery ("are due / expected to be delivered").
RAISING_WORDS = frozenset(
    [
        *("due", "expected", "scheduled", "set", "slated", "planned", "going", "likely"),
        *("supposed", "about", "ready", "able", "meant"),
    ]
)


def _raised_goods(trig: Token, objects: list[Token]) -> list[Token]:
    """The goods of "X are expected to be delivered" (the subject of the raising verb) and of
    "a system that Russia delivered" (the noun the relative clause describes)."""
    if trig.dep_ == "relcl" and (
        not objects or any(o.tag_ == "WDT" or o.lower_ == "that" for o in objects)
    ):
        return [trig.head]
    if trig.dep_ == "acl" and trig.tag_ in ("VBN", "VBD") and not objects:
        # "would see Spanish tanks transferred to Chile": the goods a participle describes
        # (one the tagger took for a past tense too).
        return [trig.head]
    if objects or trig.dep_ != "xcomp" or trig.head.lower_ not in RAISING_WORDS:
        return []
    if not any(c.dep_ == "auxpass" for c in trig.children):
        return []
    # "are due to be delivered": the subject sits on the copula above "due".
    raiser = trig.head.head if trig.head.dep_ == "acomp" else trig.head
    return [c for c in raiser.children if c.dep_ in ("nsubjpass", "nsubj")]


def _supplied_goods(view: DocView, sent: Span, trig: Token) -> list[Found]:
    """arms_transfer from "British-supplied missiles": the country before the hyphen sent the
    goods to their owner ("Ukraine's US-supplied jets") or to the one using them ("Ukrainian
    forces fired British-supplied missiles"); a target or a bystander receives nothing."""
    doc = trig.doc
    if trig.i < 2 or doc[trig.i - 1].text != "-" or doc[trig.i - 1].whitespace_:
        return []
    sender = view.country_at.get(trig.i - 2)
    goods = trig.head
    items = _items(view, [goods])
    if sender is None or not items:
        return []
    origin = str(sender.label_)
    destination = _owner_of(view, [goods])
    if destination is None and goods.dep_ in ("dobj", "obj") and goods.head.lower_ in USE_VERBS:
        user = subject_of(goods.head)
        destination = first_country(np_actors(view, user)) if user is not None else None
    if destination is None or destination == origin:
        return []
    fields: Fields = {"origin": origin, "destination": destination, "items": items}
    return [Found("arms_transfer", fields, sent, trig, 0.6)]


# Nouns of a consignment of goods ("the first batch of jets", "a shipment of missiles").
CONSIGNMENT_NOUNS = frozenset(
    [
        *("batch", "batches", "shipment", "shipments", "consignment", "consignments"),
        *("delivery", "deliveries", "tranche", "lot", "cargo", "cargoes"),
    ]
)


def arrived_goods(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """arms_transfer from a consignment of arms arriving ("The first batch of J-10C jets from
    China arrived in Pakistan"): sent by the country it comes from, received where it arrives.
    Warships or jets arriving without a consignment word are a visit or a deployment."""
    goods = subject_of(trig)
    if goods is None or not any(t.lower_ in CONSIGNMENT_NOUNS for t in goods.subtree):
        return []
    items = _items(view, [goods])
    if not items or _troop_noun(view, [goods]) is not None:
        return []
    arrival = destination_of(view, [trig], lex, objects=False)
    destination = arrival.iso3 if arrival is not None else None
    senders = [a for _, o in prep_objects(trig, ("from",)) for a in np_actors(view, o)]
    origin = first_country(senders) or _goods_source(view, [goods], destination)
    if origin is None or destination is None or origin == destination:
        return []
    fields: Fields = {"origin": origin, "destination": destination, "items": items}
    return [Found("arms_transfer", fields, sent, trig, 0.6)]


# Verbs of using weapons: who uses goods another supplied has received them.
USE_VERBS = frozenset(
    [
        *("use", "uses", "used", "using", "fire", "fires", "fired", "firing"),
        *("launch", "launches", "launched", "launching", "operate", "operates", "operated"),
        *("operating", "deploy", "deploys", "deployed", "deploying", "field", "fields"),
        *("fielded", "fielding", "employ", "employs", "employed", "employing"),
    ]
)


def _user_of(view: DocView, trig: Token) -> str | None:
    """The country using goods a participle says someone supplied ("Russia has been firing
    drones supplied by Iran"): the user received them."""
    goods = trig.head
    if (
        trig.dep_ != "acl"
        or goods.dep_ not in ("dobj", "obj")
        or goods.head.lower_ not in USE_VERBS
    ):
        return None
    user = subject_of(goods.head)
    return first_country(np_actors(view, user)) if user is not None else None


def _owner_of(view: DocView, goods: list[Token]) -> str | None:
    """The possessor of the goods: "Chile's first tanks"."""
    return first_country(
        [a for g in goods for c in g.children if c.dep_ == "poss" for a in np_actors(view, c)]
    )


def _made_in(view: DocView, toks: Iterable[Token]) -> set[str]:
    """Maker countries of a stretch: "U.S.-made" as one token or "Turkish - made" as three."""
    out: set[str] = set()
    for tok in toks:
        glued = _maker_country(tok)
        if glued is not None:
            out.add(glued)
        elif tok.lower_ in MAKER_WORDS and tok.i >= 2 and tok.doc[tok.i - 1].text == "-":
            span = view.country_at.get(tok.i - 2)
            if span is not None:
                out.add(str(span.label_))
    return out


def _other_of_story(view: DocView, known: str) -> list[str]:
    """The other country of a bilateral story, when `known` is one of its two."""
    pair = story_pair(view)
    return sorted(pair - {known}) if known in pair else []


# Items too vague to be one delivery the story tells ("military support provided to X").
VAGUE_ITEMS = frozenset(["military aid"])
# Determiners of goods that no one has handed over ("any weapons shipped to X").
HYPOTHETICAL_DETS = frozenset(["any", "no"])


def _story_may_fill(trig: Token, objects: list[Token], items: list[str]) -> bool:
    """Whether a transfer with one side unnamed is a concrete one the story's other country may
    complete: goods more concrete than aid, not hypothetical ("any weapons sent to X")."""
    if not set(items) - VAGUE_ITEMS:
        return False
    goods = [*objects, *([trig.head] if trig.dep_ in ("acl", "relcl") else [])]
    return not any(
        c.dep_ == "det" and c.lower_ in HYPOTHETICAL_DETS for g in goods for c in g.children
    )


# Recipients that are a state's own forces or government ("supplied the army with drones").
STATE_RECIPIENTS = frozenset(
    [*ARMED_SERVICES, "military", "government", "authorities", "junta", "ministry"]
)


def _state_recipient(trig: Token) -> bool:
    """Whether the recipient the sentence writes without a country is a state's forces or
    government ("supplied the army with drones", "to the armed forces"), or no recipient is
    written at all; "to either side", "to rebel groups" name someone else."""
    written = [o for _, o in prep_objects(trig, ("to",))]
    written += [c for c in trig.children if c.dep_ in ("dative", "iobj")]
    if any(p == "with" for p, _ in prep_objects(trig, ("with",))):
        written += [c for c in trig.children if c.dep_ in ("dobj", "obj")]
    return all(w.lower_ in STATE_RECIPIENTS for w in written)


# Nouns of a commercial contract whose "with" side sells what it is "for".
CONTRACT_NOUNS = frozenset(["contract", "contracts", "deal", "deals"])


def contracted_goods(view: DocView, sent: Span, trig: Token, lex: Lexicon) -> list[Found]:
    """arms_transfer from a contract signed with a country for arms ("Peru signed a contract
    with South Korea for 20 tanks"): the country contracted with sells to the signer. The
    trigger is the signing verb or the contract noun; the "with" and "for" phrases may hang
    on either."""
    noun: Token | None = trig
    verb: Token | None = trig
    if trig.pos_ in ("NOUN", "PROPN"):
        verb = governing_verb(trig)
    else:
        noun = next((c for c in trig.children if c.dep_ in ("dobj", "obj")), None)
    if noun is None or verb is None or noun.lower_ not in CONTRACT_NOUNS:
        return []
    if noun.dep_ not in ("dobj", "obj") or verb.lower_ not in lex.words["sign_verbs"]:
        return []
    heads = (noun, verb)
    items = _items(view, [o for h in heads for _, o in prep_objects(h, ("for",))])
    sellers = [a for h in heads for _, o in prep_objects(h, ("with",)) for a in np_actors(view, o)]
    subj = subject_of(verb)
    buyer = first_country(np_actors(view, subj)) if subj is not None else None
    seller = first_country(sellers)
    if not items or buyer is None or seller is None or buyer == seller:
        return []
    fields: Fields = {"origin": seller, "destination": buyer, "items": items}
    return [Found("arms_transfer", fields, sent, trig, 0.55)]
