"""Invitations to visit or attend (`invitations`)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from services.extract.events.common import (
    Found,
    _name_start,
    _np_tokens,
)
from services.extract.view import (
    Actor,
    DocView,
    Fields,
    Lexicon,
    Person,
    _actor_at,
    first_country,
    governing_verb,
    np_actors,
    prep_objects,
    sentence_actors,
    subject_of,
)


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
        # "attending the parade at Putin's invitation": the possessor invites, whoever acts.
        inviter = [
            a for c in trig.children if c.dep_ == "poss" for a in np_actors(view, c)
        ] + inviter
    else:
        subj = subject_of(trig)
        if subj is not None:
            inviter = np_actors(view, subj)
        if not inviter and trig.dep_ == "xcomp" and (upper := subject_of(trig.head)) is not None:
            # "X used the meeting to invite Y": an object that names nobody (an occasion, an
            # instrument) does not invite; the subject above does.
            inviter = np_actors(view, upper)
        letter = _carrier(trig)
        if not inviter and letter is not None:
            # "X handed Y a letter inviting Z": the letter's writer ("a letter from W") or,
            # naming none, the one who hands or sends it.
            inviter = [a for _, o in prep_objects(letter, ("from",)) for a in np_actors(view, o)]
            if not inviter and letter.dep_ in ("dobj", "obj"):
                sender = subject_of(letter.head)
                inviter = np_actors(view, sender) if sender is not None else []
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
            if verb.dep_ == "xcomp" and verb.lower_ in ("visit", "come", *ATTEND_WORDS):
                places = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
                places += [o for _, o in prep_objects(verb, ("to",))]
                if verb.lower_ in ATTEND_WORDS:
                    # "invited to attend France's parade in Paris": the event's host invites.
                    places += [o for _, o in prep_objects(verb, ("in",))]
                    places += [o for p in places[:] for _, o in prep_objects(p, ("in",))]
                hosts += [a for o in places for a in np_actors(view, o, conj=False)]
        origin = first_country([a for a in hosts if a.person is None])
    if invitee_tok is not None and not is_noun:
        # "invited President A and President B": one invitation per invited leader (a group,
        # "the ministers of A, B and C", stays one invitation).
        others = [c for c in invitee_tok.children if c.dep_ == "conj"]
        # ... and per invited country named outright ("invited Chile and Peru to send").
        if not all(t.ent_type_ == "PERSON" for t in [invitee_tok, *others]) and not all(
            t.i in view.country_at for t in [invitee_tok, *others]
        ):
            others = []
        found: list[Found] = []
        for tok in [invitee_tok, *others]:
            for f in _invitation(view, sent, trig, lex, origin, tok, scope, conj=not others):
                if all(g.fields["destination"] != f.fields["destination"] for g in found):
                    found.append(f)
        # "invited his Chilean and Peruvian counterparts": one invitation per country.
        for iso in _conjoined_nationalities(view, invitee_tok, origin):
            if found and all(g.fields["destination"] != iso for g in found):
                more = {**found[0].fields, "destination": iso}
                found.append(Found("invitation", more, sent, trig, found[0].confidence))
        return found
    return _invitation(view, sent, trig, lex, origin, invitee_tok, scope, conj=True)


def _conjoined_nationalities(view: DocView, noun: Token, origin: str | None) -> list[str]:
    """The countries of conjoined modifiers of an invited group ("his Chilean and Peruvian
    counterparts", "Kenyan and Ugandan ministers"): each country's officials are invited."""
    out: list[str] = []
    for child in noun.children:
        if child.dep_ not in ("amod", "nmod", "compound"):
            continue
        for tok in (child, *child.conjuncts):
            actor = _actor_at(view, tok)
            if actor is not None and actor.iso3 and actor.iso3 != origin and actor.iso3 not in out:
                out.append(actor.iso3)
    return out if len(out) >= 2 else []


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
        guest = _pronoun_guest(view, invitee_tok, origin) if not invited else None
        if guest is not None:
            invitee, destination = guest.name, guest.iso3
        if destination is None and invitee_tok.lower_ in FIRM_WORDS:
            # "invited Egyptian construction companies": a country's firms are its side here
            # (its teams and clubs are not).
            named = [
                view.country_at[t.i] for t in _np_tokens(invitee_tok) if t.i in view.country_at
            ]
            destination = next((str(c.label_) for c in named if c.label_ != origin), None)
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


OBJECT_PRONOUNS = frozenset(["him", "her"])


def _pronoun_guest(view: DocView, tok: Token, origin: str | None) -> Person | None:
    """Who "him" or "her" is in "X spoke with Y. He invited her to Z": the latest named
    official of another country than the inviter's, in the sentence or the one before."""
    if tok.lower_ not in OBJECT_PRONOUNS or origin is None:
        return None
    sent_no = view.sent_no[tok.i]
    first = view.sents[max(0, sent_no - 1)].start
    for i in range(tok.i - 1, first - 1, -1):
        person = view.person_at.get(i)
        if person is not None and person.iso3 and person.iso3 != origin:
            return person
    return None


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


# What carries an invitation ("a letter inviting X").
LETTER_WORDS = frozenset(["letter", "message", "note", "invitation", "card"])


def _carrier(trig: Token) -> Token | None:
    """The letter an inviting participle is written in: "a letter inviting X", or "a letter
    from W inviting X", which the parser may hang on "from" as its clause."""
    if trig.dep_ == "acl" and trig.head.lower_ in LETTER_WORDS:
        return trig.head
    prep = trig.head
    if trig.dep_ == "pcomp" and prep.lower_ == "from" and prep.head.lower_ in LETTER_WORDS:
        return prep.head
    return None


ATTEND_WORDS = frozenset(["attend", "join", "watch", "witness"])


FIRM_WORDS = frozenset(
    [
        *("companies", "firms", "businesses", "investors", "contractors", "businessmen"),
        *("manufacturers", "makers", "producers", "suppliers", "exporters"),
    ]
)
