"""Rules files in, validated `RuleFile` out; pure event matching and a rule index by type and key.

Matching knows nothing of Redis: `matches(filter, event)` is a pure function, and `RuleIndex`
finds the few rules an event can match without scanning them all.
"""

from __future__ import annotations

import itertools
import logging
import operator
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from schemas.alerts import (
    FIELDS_BY_TYPE,
    Condition,
    EventFilter,
    RuleFile,
    SequenceRule,
    WatchRule,
)
from schemas.events import Event

log = logging.getLogger(__name__)

Matcher = Callable[[Any], bool]
Role = Literal["main", "first", "then"]
# Fields that split rules well (the watch domain is country pairs); tried first for the index.
_PREFERRED = ("origin", "destination", "country", "delegation_kind", "agreement_kind", "status")
_MAX_INDEX_COMBOS = 64


class RulesError(ValueError):
    """A rules file that cannot be used; `errors` holds one line per problem."""

    def __init__(self, path: Path | str, errors: list[str]) -> None:
        self.path = str(path)
        self.errors = errors
        super().__init__(f"{path}: " + "; ".join(errors))


# -- loading ---------------------------------------------------------------------------


def _rule_label(raw: Any, index: int) -> str:
    """Name a rule in an error: by its name when it has one, by its position always."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"rule {name!r} (#{index})" if isinstance(name, str) else f"rule #{index}"


def _format_error(err: Any, raw_rules: list[Any]) -> str:
    """One pydantic error as `rule 'x' (#2): field a.b: message`."""
    loc = list(err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        index = loc[1]
        rest = loc[2:]
        raw = raw_rules[index] if index < len(raw_rules) else None
        if rest and isinstance(raw, dict) and rest[0] == raw.get("kind", "match"):
            rest = rest[1:]  # pydantic puts the union's tag in the path; readers do not need it
        where = ".".join(str(p) for p in rest)
        if not where and err["type"].startswith("union_tag"):
            where = "kind"
        if not where and msg.split(":", 1)[0].replace(".", "").replace("_", "").isalnum():
            # our validators start their message with the field's path already
            return f"{_rule_label(raw, index)}: field {msg}"
        return f"{_rule_label(raw, index)}: field {where or '?'}: {msg}"
    where = ".".join(str(p) for p in loc)
    return f"{where or 'file'}: {msg}"


def _yaml_error(text: str, exc: yaml.YAMLError) -> str:
    """Say where YAML broke, and in which rule when the line can be placed."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"YAML: {problem}"
    rule = ""
    for line in reversed(text.splitlines()[: mark.line + 1]):
        if m := re.match(r"^\s*-\s*name:\s*(\S+)", line):
            rule = f" (in rule {m.group(1).strip(chr(34) + chr(39))!r})"
            break
    return f"YAML line {mark.line + 1} column {mark.column + 1}{rule}: {problem}"


def parse_rules(text: str, path: Path | str = "<rules>") -> RuleFile:
    """Validate rules from YAML text; raise `RulesError` naming each bad rule and field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(path, [_yaml_error(text, exc)]) from exc
    if not isinstance(data, dict) or "rules" not in data:
        raise RulesError(path, ["file: expected a mapping with a `rules:` list"])
    raw_rules = data["rules"] if isinstance(data["rules"], list) else []
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RulesError(path, [_format_error(e, raw_rules) for e in exc.errors()]) from exc


def load_rules(path: Path | str) -> RuleFile:
    """Read and validate a rules file; raise `RulesError` for an unreadable or bad one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(path, [f"cannot read: {exc}"]) from exc
    return parse_rules(text, path)


def check_file(path: Path | str) -> list[str]:
    """The problems of a rules file, one line each; empty if it is fine."""
    try:
        load_rules(path)
    except RulesError as exc:
        return exc.errors
    return []


# -- matching --------------------------------------------------------------------------


def _scalar_pred(pred: str, arg: Any) -> Matcher:
    """A test of one non-null value against one predicate."""
    if pred == "eq":
        return lambda v: v == arg
    if pred == "ne":
        return lambda v: v != arg
    if pred == "in":
        members = list(arg)
        return lambda v: v in members
    if pred == "not_in":
        members = list(arg)
        return lambda v: v not in members
    if pred in ("gt", "gte", "lt", "lte"):
        op = {"gt": float.__gt__, "gte": float.__ge__, "lt": float.__lt__, "lte": float.__le__}
        cmp = op[pred]
        bound = float(arg)
        return lambda v: (
            isinstance(v, int | float) and not isinstance(v, bool) and cmp(float(v), bound)
        )
    if pred == "regex":
        search = re.compile(arg, re.IGNORECASE).search
        return lambda v: isinstance(v, str) and search(v) is not None
    raise ValueError(f"unknown predicate {pred}")


_ALL_OF = frozenset({"ne", "not_in"})  # on a list these must hold for every element


def _exists(want: bool) -> Matcher:
    return lambda v: (v is not None and v != []) is want


def _contains(item: Any) -> Matcher:
    return lambda v: isinstance(v, list) and item in v


def _every(one: Matcher) -> Matcher:
    return lambda v: all(map(one, v)) if isinstance(v, list) else one(v)


def _some(one: Matcher) -> Matcher:
    return lambda v: v is not None and (any(map(one, v)) if isinstance(v, list) else one(v))


def compile_condition(cond: Condition) -> Matcher:
    """One function testing a field's value against every predicate of the condition."""
    tests: list[Matcher] = []
    for pred in sorted(cond.given()):
        if pred == "exists":
            tests.append(_exists(bool(cond.exists)))
        elif pred == "contains":
            tests.append(_contains(cond.contains))
        else:
            arg = cond.in_ if pred == "in" else getattr(cond, pred)
            one = _scalar_pred(pred, arg)
            if pred in ("eq", "ne") and arg is None:
                tests.append(one)  # `eq: null` asks about the value itself
            else:
                tests.append(_every(one) if pred in _ALL_OF else _some(one))
    if len(tests) == 1:
        return tests[0]
    return lambda v: all(t(v) for t in tests)


def compile_filter(flt: EventFilter) -> Matcher:
    """A fast predicate for one filter: types, modality, confidence, captions, then fields."""
    types = frozenset(flt.effective_types())
    modalities = frozenset(flt.modalities)
    min_conf = flt.min_confidence
    captions = flt.captions
    fields = [(name, compile_condition(cond)) for name, cond in flt.where.items()]

    fields_hold = _fields_test(fields)

    def matcher(event: Any) -> bool:
        if event.type not in types or event.modality not in modalities:
            return False
        if event.confidence < min_conf or (event.caption and not captions):
            return False
        return fields_hold(event)

    return matcher


def _fields_test(fields: list[tuple[str, Matcher]]) -> Matcher:
    """Whether every field passes its test; filters of up to two fields (most of them) are
    tested without a generator per event."""
    if not fields:
        return lambda event: True
    if len(fields) == 1:
        [(name, test)] = fields
        return lambda event: test(getattr(event, name, None))
    if len(fields) == 2:
        [(name1, test1), (name2, test2)] = fields
        return lambda event: (
            test1(getattr(event, name1, None)) and test2(getattr(event, name2, None))
        )
    return lambda event: all(test(getattr(event, name, None)) for name, test in fields)


def matches(flt: EventFilter, event: Event) -> bool:
    """Whether an event passes a filter (or a rule's own filter)."""
    return compile_filter(flt)(event)


# -- index -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One rule's filter as the index holds it; a sequence rule has a `first` and a `then`."""

    position: int
    rule: WatchRule
    role: Role
    matcher: Matcher


@dataclass
class _TypeIndex:
    """Per event type: rules needing no key, and rules by the values of their `eq`/`in` fields."""

    unkeyed: list[Entry] = field(default_factory=list)
    keyed: dict[tuple[str, ...], dict[tuple[Hashable, ...], list[Entry]]] = field(
        default_factory=dict
    )
    listed: dict[str, dict[Hashable, list[Entry]]] = field(default_factory=dict)
    # `keyed` compiled for lookups: a getter of the pinned fields' values, and their buckets
    lookups: list[tuple[Callable[[Any], Any], dict[Any, list[Entry]]]] = field(default_factory=list)

    def buckets(self) -> list[list[Entry]]:
        """Every list of entries this type holds (an entry may sit in several)."""
        lists = [self.unkeyed, *(e for b in self.keyed.values() for e in b.values())]
        return lists + [e for b in self.listed.values() for e in b.values()]

    def compile(self) -> None:
        """Order every bucket's entries and build `lookups` from `keyed`."""
        for entries in self.buckets():
            entries.sort(key=_order)
        self.lookups = []
        for names, buckets in self.keyed.items():
            if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
                by_value = {values[0]: hit for values, hit in buckets.items()}
                self.lookups.append((operator.attrgetter(names[0]), by_value))
            else:
                self.lookups.append((operator.attrgetter(*names), buckets))


def _index_values(cond: Condition) -> list[Hashable] | None:
    """The values a field must take for the condition to hold, if the condition pins them."""
    given = cond.given()
    values: list[Any] | None = None
    if "eq" in given:
        values = [cond.eq]
    elif "in" in given and cond.in_ is not None:
        values = list(cond.in_)
    if values is None or not all(isinstance(v, Hashable) for v in values):
        return None
    return values


def _signature(flt: EventFilter, event_type: str) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The scalar fields a filter pins on this type, and every value tuple it accepts."""
    kinds = FIELDS_BY_TYPE[event_type]
    names: list[str] = []
    choices: list[list[Hashable]] = []
    combos = 1
    ordered = sorted(flt.where, key=lambda n: (n not in _PREFERRED, _PREFERRED.index(n)
                                                if n in _PREFERRED else 0, n))  # fmt: skip
    for name in ordered:
        if kinds.get(name) in ("list", "other", None):
            continue  # list fields match on any element: no single value to look up
        values = _index_values(flt.where[name])
        if values is None or combos * len(values) > _MAX_INDEX_COMBOS:
            continue
        names.append(name)
        choices.append(values)
        combos *= len(values)
    return tuple(names), list(itertools.product(*choices))


def _list_key(flt: EventFilter, event_type: str) -> tuple[str, list[Hashable]] | None:
    """A list field the filter needs one of some values in (`contains`, `eq` or `in`)."""
    kinds = FIELDS_BY_TYPE[event_type]
    for name in sorted(flt.where):
        if kinds.get(name) != "list":
            continue
        cond = flt.where[name]
        given = cond.given()
        if "contains" in given and isinstance(cond.contains, Hashable):
            return name, [cond.contains]
        values = _index_values(cond)
        if values is not None and None not in values:
            return name, values
    return None


def _steps(rule: WatchRule) -> list[tuple[Role, EventFilter]]:
    if isinstance(rule, SequenceRule):
        return [("then", rule.then), ("first", rule.first)]
    return [("main", rule)]


class RuleIndex:
    """Rules by event type and by the values they pin on scalar fields (a hash join, not a scan)."""

    def __init__(self, rules: Iterable[WatchRule]) -> None:
        self._by_type: dict[str, _TypeIndex] = {}
        self.size = 0
        for position, rule in enumerate(rules):
            if not rule.enabled:
                continue
            self.size += 1
            for role, flt in _steps(rule):
                entry = Entry(position, rule, role, compile_filter(flt))
                for event_type in flt.effective_types():
                    idx = self._by_type.setdefault(event_type, _TypeIndex())
                    names, combos = _signature(flt, event_type)
                    if not names:
                        listed = _list_key(flt, event_type)
                        if listed is None:
                            idx.unkeyed.append(entry)
                        else:
                            by_value = idx.listed.setdefault(listed[0], {})
                            for value in listed[1]:
                                by_value.setdefault(value, []).append(entry)
                        continue
                    buckets = idx.keyed.setdefault(names, {})
                    for values in combos:
                        buckets.setdefault(values, []).append(entry)
        # `then` before `first` within a rule, so an event is checked against earlier firsts
        # before it is remembered as one itself.
        for idx in self._by_type.values():
            idx.compile()

    def entries(self) -> Iterator[Entry]:
        """Every entry the index holds, once each."""
        seen: set[int] = set()
        for idx in self._by_type.values():
            for entry in itertools.chain.from_iterable(idx.buckets()):
                if id(entry) not in seen:
                    seen.add(id(entry))
                    yield entry

    def candidates(self, event: Any) -> list[Entry]:
        """Entries whose type and pinned values fit the event (their full filter still to run)."""
        idx = self._by_type.get(event.type)
        if idx is None:
            return _NONE
        parts = [idx.unkeyed] if idx.unkeyed else []
        for values_of, buckets in idx.lookups:
            try:
                hit = buckets.get(values_of(event))
            except TypeError:  # an unhashable value cannot equal any pinned one
                continue
            if hit:
                parts.append(hit)
        twice = False  # a rule indexed under two values of a list can be hit by both
        for name, by_value in idx.listed.items():
            values = getattr(event, name, None) or ()
            for value in set(values) if len(values) > 1 else values:
                if hit := by_value.get(value):
                    parts.append(hit)
                    twice = twice or len(values) > 1
        if len(parts) <= 1:
            return parts[0] if parts else _NONE
        merged: Iterable[Entry] = itertools.chain.from_iterable(parts)
        if twice:
            merged = {(e.position, e.role): e for e in merged}.values()
        return sorted(merged, key=_order)

    def matching(self, event: Any) -> list[Entry]:
        """Entries whose full filter holds for the event, in rule order."""
        candidates = self.candidates(event)
        return [e for e in candidates if e.matcher(event)] if candidates else _NONE


_NONE: list[Entry] = []  # no entries (shared: never appended to)


def _order(entry: Entry) -> tuple[int, int]:
    return entry.position, 0 if entry.role != "first" else 1
