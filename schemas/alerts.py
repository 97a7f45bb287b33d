"""Watch rules an analyst writes (YAML, validated here) and the alerts they raise.

Rules are data: predicates on event fields, never Python. Semantics of a predicate on a
list field (`parties`, `countries`, `items`, `sources`, ...): `eq`, `in`, comparisons and
`regex` hold if they hold for any element; `ne` and `not_in` hold if they hold for every one.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.events import (
    EVENT_TYPES,
    Agreement,
    ArmsTransfer,
    DelegationVisit,
    Event,
    EventBase,
    Invitation,
    Meeting,
    MilitaryExercise,
    Modality,
    TroopDeployment,
    WeaponsTest,
)

Severity = Literal["info", "warning", "critical"]
RuleKind = Literal["match", "threshold", "first_seen", "corroborated", "sequence"]
FieldKind = Literal["num", "str", "bool", "list", "other"]
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_EVENT_CLASSES: dict[str, type[EventBase]] = {
    "delegation_visit": DelegationVisit,
    "troop_deployment": TroopDeployment,
    "meeting": Meeting,
    "agreement": Agreement,
    "arms_transfer": ArmsTransfer,
    "weapons_test": WeaponsTest,
    "military_exercise": MilitaryExercise,
    "invitation": Invitation,
}


def parse_duration(value: Any) -> timedelta:
    """Read "30s", "15m", "12h", "30d", "2w", a number of seconds or a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    if isinstance(value, str) and (m := _DURATION.match(value)):
        return timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2)])
    raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 15m, 12h, 30d, 2w)")


def _field_kind(annotation: Any) -> FieldKind:
    """Classify a model field's annotation for predicate checks."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _field_kind(args[0])
    if origin is list:
        return "list"
    if origin is Literal or annotation is str:
        return "str"
    if annotation is bool:
        return "bool"
    if annotation in (int, float):
        return "num"
    return "other"


def event_fields(event_type: str) -> dict[str, FieldKind]:
    """The fields of one event type and what kind of value each holds."""
    cls = _EVENT_CLASSES[event_type]
    return {name: _field_kind(f.annotation) for name, f in cls.model_fields.items()}


FIELDS_BY_TYPE: dict[str, dict[str, FieldKind]] = {t: event_fields(t) for t in EVENT_TYPES}


class Condition(BaseModel):
    """Predicates on one event field; every one given must hold.

    A bare scalar in YAML means `eq`, a bare list means `in`. `regex` searches, ignoring case.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    eq: Any = None
    ne: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    regex: str | None = None
    contains: Any = None
    exists: bool | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regex {value!r}: {exc}") from exc
        return value

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return {"in": data} if isinstance(data, list) else {"eq": data}

    @model_validator(mode="after")
    def _something_given(self) -> Condition:
        if not self.given():
            raise ValueError("a condition needs at least one predicate")
        return self

    def given(self) -> set[str]:
        """The predicates written in the rule (so `eq: null` is told from no `eq`)."""
        return {"in" if name == "in_" else name for name in self.model_fields_set}


def _default_modalities() -> list[Modality]:
    """What a rule sees unless told: stated, attributed, alleged and planned; not speculation."""
    return ["asserted", "reported", "alleged", "planned"]


_NEEDS = {"gt": "num", "gte": "num", "lt": "num", "lte": "num", "regex": "str", "contains": "list"}


class EventFilter(BaseModel):
    """Which events a rule looks at: types, field predicates, modality, confidence, captions."""

    model_config = ConfigDict(extra="forbid")

    types: list[str] = Field(default_factory=list, description="event types; empty means all")
    where: dict[str, Condition] = Field(default_factory=dict)
    modalities: list[Modality] = Field(default_factory=_default_modalities)
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    captions: bool = Field(default=False, description="let events from photo captions match")

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {list(EVENT_TYPES)}")
        return value

    @model_validator(mode="after")
    def _fields_exist(self) -> EventFilter:
        declared = self.types or list(EVENT_TYPES)
        for name, cond in self.where.items():
            having = [t for t in declared if name in FIELDS_BY_TYPE[t]]
            if not having or (self.types and len(having) < len(self.types)):
                missing = sorted(set(declared) - set(having))
                raise ValueError(f"where.{name}: no such field on event types {missing}")
            kinds = {FIELDS_BY_TYPE[t][name] for t in having}
            for pred in cond.given():
                need = _NEEDS.get(pred)
                if need and need not in kinds and not (need != "list" and "list" in kinds):
                    raise ValueError(
                        f"where.{name}.{pred}: needs a {need} field, {name} is {sorted(kinds)}"
                    )
        return self

    def effective_types(self) -> list[str]:
        """Event types this filter can match: declared (or all) that have every `where` field."""
        declared = self.types or list(EVENT_TYPES)
        return [t for t in declared if all(f in FIELDS_BY_TYPE[t] for f in self.where)]


class RuleBase(EventFilter):
    """What every rule kind shares: a name, a severity, labels, a key and a realert window."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,80}$")
    description: str = ""
    severity: Severity = "warning"
    labels: dict[str, str] = Field(default_factory=dict)
    group_by: list[str] = Field(
        default_factory=list, description="event fields whose values form the rule's key"
    )
    key_unordered: bool = Field(
        default=False,
        description="sort the key's values, so PRK→RUS and RUS→PRK share a key (a country pair)",
    )
    realert: timedelta = Field(
        default=timedelta(0),
        description="after an alert for a key, drop further alerts for it this long (0: none)",
    )
    enabled: bool = True

    @field_validator("realert", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_duration(value)

    def key_types(self) -> list[str]:
        """Event types whose fields the key is read from."""
        return self.effective_types()

    @model_validator(mode="after")
    def _group_by_exists(self) -> RuleBase:
        for name in self.group_by:
            missing = [t for t in self.key_types() if name not in FIELDS_BY_TYPE[t]]
            if missing:
                raise ValueError(f"group_by.{name}: no such field on event types {missing}")
        return self


class MatchRule(RuleBase):
    """Every matching fused event alerts once."""

    kind: Literal["match"] = "match"


class ThresholdRule(RuleBase):
    """At least `count` distinct matching fused events within `window`, per key."""

    kind: Literal["threshold"] = "threshold"
    count: int = Field(ge=1)
    window: timedelta

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: Any) -> timedelta:
        return parse_duration(value)


class FirstSeenRule(RuleBase):
    """The first matching event for a key not seen before (within the state's retention)."""

    kind: Literal["first_seen"] = "first_seen"

    @model_validator(mode="after")
    def _needs_key(self) -> FirstSeenRule:
        if not self.group_by:
            raise ValueError("group_by: first_seen needs at least one field to form its key")
        return self


class CorroboratedRule(RuleBase):
    """A matching fused event reported by at least `min_sources` distinct sources."""

    kind: Literal["corroborated"] = "corroborated"
    min_sources: int = Field(default=2, ge=2)


class SequenceRule(RuleBase):
    """An event matching `first`, then one matching `then` with the same key, within `window`."""

    kind: Literal["sequence"] = "sequence"
    first: EventFilter
    then: EventFilter
    window: timedelta

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @model_validator(mode="before")
    @classmethod
    def _filters_in_steps(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in ("types", "where", "modalities", "min_confidence", "captions"):
                if name in data:
                    raise ValueError(f"{name}: a sequence filters in `first` and `then`, not here")
        return data

    def key_types(self) -> list[str]:
        return sorted(set(self.first.effective_types()) | set(self.then.effective_types()))


WatchRule = Annotated[
    MatchRule | ThresholdRule | FirstSeenRule | CorroboratedRule | SequenceRule,
    Field(discriminator="kind"),
]


class RuleFile(BaseModel):
    """A rules file: `rules:` holds the list; a rule without `kind` is a `match`."""

    model_config = ConfigDict(extra="forbid")

    rules: list[WatchRule]

    @model_validator(mode="before")
    @classmethod
    def _default_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            rules = [
                {"kind": "match", **r} if isinstance(r, dict) and "kind" not in r else r
                for r in data["rules"]
            ]
            data = {**data, "rules": rules}
        return data

    @model_validator(mode="after")
    def _unique_names(self) -> RuleFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"rule name {rule.name!r} is used twice")
            seen.add(rule.name)
        return self


class Alert(BaseModel):
    """A fired rule with the events behind it and their evidence."""

    alert_id: str = Field(description="hash of rule, key and fused event: the same on replay")
    rule: str
    kind: RuleKind
    severity: Severity
    labels: dict[str, str] = Field(default_factory=dict)
    key: str = Field(default="", description="the group_by values, joined with |")
    summary: str
    description: str = ""
    fused_id: str | None = Field(default=None, description="the fused event that fired it")
    events: list[Event] = Field(description="the events behind it, oldest first")
    article_ids: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    fired_at: datetime
