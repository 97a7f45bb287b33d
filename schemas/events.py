"""Typed events of the contract (shared/EVENTS.md), a discriminated union on `type`."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Modality = Literal["asserted", "reported", "alleged", "planned", "speculative", "negated"]
Phase = Literal["departed", "arrived", "ongoing", "completed", "planned"]
DelegationKind = Literal[
    "economic", "health", "military", "security", "diplomatic", "party", "parliamentary", "other"
]
AgreementKind = Literal["treaty", "ceasefire", "deal", "memorandum", "other"]
AgreementStatus = Literal["signed", "agreed", "proposed", "negotiating"]
MeetingFormat = Literal["in_person", "phone", "video"]


class EventBase(BaseModel):
    """Fields every event carries: identity, time, modality and evidence."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = ""
    article_id: str
    occurred_on: str | None = Field(default=None, description="ISO date at its precision")
    modality: Modality = "asserted"
    sentence: str
    span: tuple[int, int]
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    cameo: str | None = None
    plover: str | None = None
    caption: bool = Field(default=False, description="found in a photo caption, not the body")
    fused_id: str | None = Field(default=None, description="the canonical real-world event")
    sources: list[str] = Field(
        default_factory=list, description="distinct sources reporting the fused event so far"
    )

    def key_fields(self) -> tuple[object, ...]:
        """The fields that make two events of one article the same event."""
        return ()

    def fusion_key(self) -> tuple[object, ...]:
        """Fields that identify the real-world event across articles (no article id, no date)."""
        return self.key_fields()

    def with_id(self) -> EventBase:
        """Return a copy whose event_id is derived from the article, the type and the key fields."""
        raw = repr((self.article_id, getattr(self, "type", ""), self.key_fields()))
        return self.model_copy(update={"event_id": hashlib.sha1(raw.encode()).hexdigest()[:16]})


class DelegationVisit(EventBase):
    type: Literal["delegation_visit"] = "delegation_visit"
    origin: str | None = None
    destination: str | None = None
    place: str | None = None
    leader: str | None = None
    leader_title: str | None = None
    delegation_kind: DelegationKind | None = None
    phase: Phase | None = None

    def key_fields(self) -> tuple[object, ...]:
        return (self.origin, self.destination, _name_key(self.leader), self.delegation_kind)

    def fusion_key(self) -> tuple[object, ...]:
        return (self.origin, self.destination, _name_key(self.leader) or self.delegation_kind)


class TroopDeployment(EventBase):
    type: Literal["troop_deployment"] = "troop_deployment"
    origin: str | None = None
    destination: str | None = None
    troops_min: int | None = None
    troops_max: int | None = None
    unit: str | None = None
    additional: bool = False
    phase: Phase | None = None

    def key_fields(self) -> tuple[object, ...]:
        return (self.origin, self.destination, self.troops_min, self.troops_max, self.additional)


class Meeting(EventBase):
    type: Literal["meeting"] = "meeting"
    participants: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    place: str | None = None
    format: MeetingFormat = "in_person"

    def key_fields(self) -> tuple[object, ...]:
        return (
            tuple(sorted(_name_key(p) or "" for p in self.participants)),
            tuple(sorted(self.countries)),
        )


class Agreement(EventBase):
    type: Literal["agreement"] = "agreement"
    parties: list[str] = Field(default_factory=list)
    agreement_kind: AgreementKind = "other"
    name: str | None = None
    status: AgreementStatus | None = None

    def key_fields(self) -> tuple[object, ...]:
        return (tuple(sorted(self.parties)), self.agreement_kind)


class ArmsTransfer(EventBase):
    type: Literal["arms_transfer"] = "arms_transfer"
    origin: str | None = None
    destination: str | None = None
    items: list[str] = Field(default_factory=list)

    def key_fields(self) -> tuple[object, ...]:
        return (self.origin, self.destination, tuple(sorted(self.items)))

    def fusion_key(self) -> tuple[object, ...]:
        return (self.origin, self.destination)


class WeaponsTest(EventBase):
    type: Literal["weapons_test"] = "weapons_test"
    country: str | None = None
    weapon: str | None = None

    def key_fields(self) -> tuple[object, ...]:
        return (self.country, self.weapon)


class MilitaryExercise(EventBase):
    type: Literal["military_exercise"] = "military_exercise"
    countries: list[str] = Field(default_factory=list)
    name: str | None = None

    def key_fields(self) -> tuple[object, ...]:
        return (tuple(sorted(self.countries)), self.name)


class Invitation(EventBase):
    type: Literal["invitation"] = "invitation"
    origin: str | None = None
    destination: str | None = None
    invitee: str | None = None
    occasion: str | None = None

    def key_fields(self) -> tuple[object, ...]:
        return (self.origin, self.destination, self.invitee, self.occasion)

    def fusion_key(self) -> tuple[object, ...]:
        return (self.origin, self.destination, self.occasion)


Event = Annotated[
    DelegationVisit
    | TroopDeployment
    | Meeting
    | Agreement
    | ArmsTransfer
    | WeaponsTest
    | MilitaryExercise
    | Invitation,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: tuple[str, ...] = (
    "delegation_visit",
    "troop_deployment",
    "meeting",
    "agreement",
    "arms_transfer",
    "weapons_test",
    "military_exercise",
    "invitation",
)


def _name_key(name: str | None) -> str | None:
    """A person's name folded for matching: "Kim Jong-un" and "Kim Jong Un" give "kimjongun"."""
    if not name:
        return None
    return "".join(ch for ch in name.lower() if ch.isalnum()) or None
