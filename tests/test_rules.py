"""Rules files: validation errors that name the rule and field, each predicate, the index."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from schemas.alerts import EventFilter, RuleFile
from schemas.events import Agreement, DelegationVisit, TroopDeployment, WeaponsTest
from services.alert.engine import MemoryRuleState, RuleEngine
from services.alert.rules import RuleIndex, RulesError, check_file, load_rules, matches, parse_rules
from services.alert.watch import RulesReloader

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RULES = ROOT / "rules" / "default.yaml"


def troops(**kw: object) -> TroopDeployment:
    base: dict[str, object] = {
        "article_id": "a1",
        "sentence": "1,000 to 3,000 soldiers were sent.",
        "span": (0, 10),
        "origin": "PRK",
        "destination": "RUS",
        "troops_min": 1000,
        "troops_max": 3000,
    }
    return TroopDeployment.model_validate({**base, **kw})


def visit(**kw: object) -> DelegationVisit:
    base: dict[str, object] = {
        "article_id": "a2",
        "sentence": "Shoigu arrived in Pyongyang.",
        "span": (0, 10),
        "origin": "RUS",
        "destination": "PRK",
        "leader": "Sergei Shoigu",
        "delegation_kind": "security",
    }
    return DelegationVisit.model_validate({**base, **kw})


def flt(**kw: object) -> EventFilter:
    return EventFilter.model_validate(kw)


# -- validation ------------------------------------------------------------------------


def test_default_rules_validate() -> None:
    assert check_file(DEFAULT_RULES) == []
    rules = load_rules(DEFAULT_RULES)
    kinds = {r.kind for r in rules.rules}
    assert kinds == {"match", "threshold", "first_seen", "corroborated", "sequence"}


@pytest.mark.parametrize(
    ("text", "rule", "field"),
    [
        ("rules:\n- name: ok\n  types: [weapons_test]\n- name: bad\n  types: [nope]\n",
         "'bad' (#1)", "types"),
        ("rules:\n- name: t\n  kind: threshold\n  count: 2\n", "'t' (#0)", "window"),
        ("rules:\n- name: w\n  types: [weapons_test]\n  where: {troops_min: {gte: 1}}\n",
         "'w' (#0)", "where.troops_min"),
        ("rules:\n- name: r\n  where: {leader: {regex: '('}}\n", "'r' (#0)", "where.leader.regex"),
        ("rules:\n- name: g\n  types: [meeting]\n  group_by: [origin]\n", "'g' (#0)",
         "group_by.origin"),
        ("rules:\n- name: k\n  kind: nope\n", "'k' (#0)", "kind"),
        ("rules:\n- name: s\n  severity: loud\n", "'s' (#0)", "severity"),
        ("rules:\n- name: c\n  where: {troops_min: {gte: many}}\n", "'c' (#0)",
         "where.troops_min.gte"),
        ("rules:\n- name: f\n  kind: first_seen\n", "'f' (#0)", "group_by"),
        ("rules:\n- name: q\n  kind: sequence\n  types: [meeting]\n  window: 1d\n"
         "  first: {}\n  then: {}\n", "'q' (#0)", "types"),
        ("rules:\n- name: x\n  extra: 1\n", "'x' (#0)", "extra"),
        ("rules:\n- name: e\n  where: {origin: {}}\n", "'e' (#0)", "where.origin"),
        ("rules:\n- name: n\n  where: {origin: {contains: PRK}}\n", "'n' (#0)",
         "where.origin.contains"),
        ("rules:\n- {types: [meeting]}\n", "#0", "name"),
    ],
)  # fmt: skip
def test_errors_name_rule_and_field(text: str, rule: str, field: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(text, "x.yaml")
    message = str(info.value)
    assert f"rule {rule}" in message, message
    assert f"field {field}" in message, message


def test_yaml_error_names_line_and_rule(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("rules:\n- name: good\n  types: [meeting]\n- name: broken\n  where: {a: [}\n")
    errors = check_file(path)
    assert len(errors) == 1
    assert "line 5" in errors[0] and "'broken'" in errors[0], errors


def test_not_a_rules_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- just a list\n")
    assert check_file(tmp_path / "a.yaml") == ["file: expected a mapping with a `rules:` list"]
    assert "cannot read" in check_file(tmp_path / "missing.yaml")[0]


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(RulesError, match="'a' is used twice"):
        parse_rules("rules:\n- name: a\n- name: a\n")


def test_rules_are_data_not_code() -> None:
    # A YAML tag that would build a Python object is refused by the safe loader.
    with pytest.raises(RulesError, match="YAML"):
        parse_rules("rules:\n- name: a\n  description: !!python/object/apply:os.system ['true']\n")


# -- predicates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"origin": "PRK"}, True),
        ({"origin": {"eq": "RUS"}}, False),
        ({"origin": {"ne": "RUS"}}, True),
        ({"origin": {"ne": "PRK"}}, False),
        ({"origin": ["PRK", "CHN"]}, True),
        ({"origin": {"in": ["CHN"]}}, False),
        ({"origin": {"not_in": ["CHN"]}}, True),
        ({"origin": {"not_in": ["PRK"]}}, False),
        ({"troops_min": {"gt": 999}}, True),
        ({"troops_min": {"gt": 1000}}, False),
        ({"troops_min": {"gte": 1000}}, True),
        ({"troops_max": {"lt": 3000}}, False),
        ({"troops_max": {"lte": 3000}}, True),
        ({"troops_min": {"gte": 500, "lte": 1500}}, True),
        ({"unit": {"exists": False}}, True),
        ({"unit": {"exists": True}}, False),
        ({"unit": {"eq": None}}, True),
        ({"unit": {"ne": "infantry"}}, True),
        ({"sentence": {"regex": "SOLDIERS"}}, True),
        ({"sentence": {"regex": r"^\d+ tanks"}}, False),
        ({"sources": {"contains": "Yonhap"}}, True),
        ({"sources": {"contains": "KCNA"}}, False),
        ({"sources": {"exists": True}}, True),
        ({"sources": ["KCNA", "Yonhap"]}, True),
        ({"sources": {"ne": "Yonhap"}}, False),
        ({"additional": True}, False),
    ],
)
def test_each_predicate(where: dict[str, object], expected: bool) -> None:
    event = troops(sources=["Yonhap", "NK News"])
    assert matches(flt(types=["troop_deployment"], where=where), event) is expected


def test_missing_number_never_compares() -> None:
    event = troops(troops_min=None)
    assert not matches(flt(where={"troops_min": {"gte": 0}}), event)
    assert not matches(flt(where={"troops_min": {"lt": 10**9}}), event)


def test_name_regex_folds_case_and_hyphens() -> None:
    rule = flt(where={"leader": {"regex": "Kim Jong.?Un"}}, modalities=["planned"])
    assert matches(rule, visit(leader="Kim Jong-un", modality="planned"))
    assert matches(rule, visit(leader="KIM JONG UN", modality="planned"))
    assert not matches(rule, visit(leader="Kim Yo Jong", modality="planned"))
    assert not matches(rule, visit(leader="Kim Jong-un", modality="asserted"))


def test_list_fields_match_any_element() -> None:
    deal = Agreement(article_id="a", sentence="s", span=(0, 1), parties=["PRK", "RUS"])
    assert matches(flt(where={"parties": {"contains": "PRK"}}), deal)
    assert matches(flt(where={"parties": "RUS"}), deal)
    assert matches(flt(where={"parties": {"in": ["CHN", "PRK"]}}), deal)
    assert not matches(flt(where={"parties": {"not_in": ["PRK"]}}), deal)
    assert matches(flt(where={"parties": {"not_in": ["USA"]}}), deal)


def test_modality_confidence_captions_and_types() -> None:
    base = flt(types=["troop_deployment"])
    assert matches(base, troops())
    assert not matches(base, troops(modality="speculative"))
    assert not matches(base, troops(modality="negated"))
    assert not matches(base, visit())
    assert not matches(flt(min_confidence=0.8), troops(confidence=0.5))
    assert matches(flt(min_confidence=0.8), troops(confidence=0.9))
    assert not matches(base, troops(caption=True))
    assert matches(flt(types=["troop_deployment"], captions=True), troops(caption=True))


def test_where_limits_a_typeless_rule_to_types_with_the_field() -> None:
    rule = flt(where={"origin": {"ne": "USA"}})
    assert matches(rule, troops())
    test = WeaponsTest(article_id="a", sentence="s", span=(0, 1), country="PRK")
    assert not matches(rule, test)  # weapons tests have no origin


# -- index -----------------------------------------------------------------------------


def _rules(*rules: dict[str, object]) -> RuleFile:
    return RuleFile.model_validate({"rules": list(rules)})


def test_index_returns_only_candidates_by_type_and_pinned_values() -> None:
    rules = _rules(
        {"name": "prk-rus", "types": ["troop_deployment"], "where": {"origin": "PRK",
         "destination": "RUS"}},
        {"name": "prk-any", "types": ["troop_deployment"], "where": {"origin": ["PRK", "CHN"]}},
        {"name": "big", "types": ["troop_deployment"], "where": {"troops_min": {"gte": 5000}}},
        {"name": "visits", "types": ["delegation_visit"]},
        {"name": "anything"},
        {"name": "off", "enabled": False},
    )  # fmt: skip
    index = RuleIndex(rules.rules)
    assert index.size == 5
    names = [e.rule.name for e in index.candidates(troops())]
    assert names == ["prk-rus", "prk-any", "big", "anything"]  # in file order
    assert [e.rule.name for e in index.matching(troops())] == ["prk-rus", "prk-any", "anything"]
    names = [e.rule.name for e in index.candidates(troops(origin="UKR"))]
    assert names == ["big", "anything"]
    assert [e.rule.name for e in index.candidates(visit())] == ["visits", "anything"]


def test_index_agrees_with_a_full_scan() -> None:
    rules = load_rules(DEFAULT_RULES)
    index = RuleIndex(rules.rules)
    events = [
        troops(),
        troops(origin="UKR"),
        visit(),
        visit(origin="PRK", destination="RUS", leader="Kim Jong Un", modality="planned"),
        visit(origin="CHN", destination="PRK"),
        Agreement(article_id="a", sentence="s", span=(0, 1), parties=["PRK", "RUS"]),
        WeaponsTest(article_id="a", sentence="s", span=(0, 1), country="PRK", weapon="ICBM"),
    ]
    for event in events:
        scanned = {r.name for r in rules.rules if r.kind != "sequence" and matches(r, event)}
        indexed = {e.rule.name for e in index.matching(event) if e.role == "main"}
        assert indexed == scanned, event


def test_sequence_rule_is_indexed_under_both_steps_then_before_first() -> None:
    rules = _rules(
        {"name": "seq", "kind": "sequence", "window": "1d", "group_by": ["origin"],
         "first": {"types": ["delegation_visit", "arms_transfer"]},
         "then": {"types": ["arms_transfer"]}},
    )  # fmt: skip
    index = RuleIndex(rules.rules)
    assert [e.role for e in index.matching(visit())] == ["first"]
    from schemas.events import ArmsTransfer

    arms = ArmsTransfer(article_id="a", sentence="s", span=(0, 1), origin="PRK")
    assert [e.role for e in index.matching(arms)] == ["then", "first"]


# -- hot reload ------------------------------------------------------------------------

GOOD = "rules:\n- name: visits\n  types: [delegation_visit]\n"
BETTER = GOOD + "- name: troops\n  types: [troop_deployment]\n"
BAD = "rules:\n- name: visits\n  types: [delegation_visit]\n  where: {troops_min: {gte: 1}}\n"


def _write(path: Path, text: str, bump: int) -> None:
    path.write_text(text)
    # mtime granularity can hide two writes within a tick; the reloader must see each one
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump * 1_000_000_000))


def test_hot_reload_keeps_old_rules_on_a_bad_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "rules.yaml"
    _write(path, GOOD, 0)
    reloader = RulesReloader(path)
    assert [r.name for r in reloader.load().rules] == ["visits"]
    assert reloader.maybe_reload() is None  # unchanged

    _write(path, BAD, 1)
    with caplog.at_level(logging.ERROR, logger="services.alert.watch"):
        assert reloader.maybe_reload() is None
    assert reloader.failures == 1
    assert "'visits' (#0): field where.troops_min" in (reloader.last_error or "")
    assert "keeping the old rules" in caplog.text
    assert reloader.rules is not None and [r.name for r in reloader.rules.rules] == ["visits"]

    _write(path, BAD, 2)  # touched, same bad content: counted once
    assert reloader.maybe_reload() is None and reloader.failures == 1
    _write(path, "rules: [\n", 3)  # broken YAML is a failure too
    assert reloader.maybe_reload() is None and reloader.failures == 2
    path.unlink()
    assert reloader.maybe_reload() is None and reloader.failures == 3

    _write(path, BETTER, 4)
    new = reloader.maybe_reload()
    assert new is not None and [r.name for r in new.rules] == ["visits", "troops"]
    assert reloader.last_error is None and reloader.failures == 3
    _write(path, BETTER, 5)  # same content, new mtime: nothing to do
    assert reloader.maybe_reload() is None


def test_reloader_refuses_a_bad_file_at_startup(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(BAD)
    with pytest.raises(RulesError, match=r"where\.troops_min"):
        RulesReloader(path).load()


async def test_engine_runs_on_with_old_rules_after_a_bad_reload(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    _write(path, GOOD, 0)
    reloader = RulesReloader(path)
    engine = RuleEngine(reloader.load(), MemoryRuleState())
    _write(path, BAD, 1)
    if (rules := reloader.maybe_reload()) is not None:
        engine.replace_rules(rules)
    fired = await engine.evaluate(
        DelegationVisit(article_id="a", sentence="s", span=(0, 1), origin="RUS", destination="PRK")
    )
    assert [a.rule for a in fired] == ["visits"]


def test_index_on_list_fields_hits_each_rule_once() -> None:
    rules = _rules(
        {"name": "with-prk", "types": ["agreement"], "where": {"parties": {"contains": "PRK"}}},
        {"name": "prk-or-rus", "types": ["agreement"], "where": {"parties": ["PRK", "RUS"]}},
        {"name": "with-usa", "types": ["agreement"], "where": {"parties": {"contains": "USA"}}},
    )
    index = RuleIndex(rules.rules)
    deal = Agreement(article_id="a", sentence="s", span=(0, 1), parties=["RUS", "PRK", "PRK"])
    assert [e.rule.name for e in index.candidates(deal)] == ["with-prk", "prk-or-rus"]
    other = Agreement(article_id="a", sentence="s", span=(0, 1), parties=["CHN"])
    assert index.candidates(other) == []
