"""The walking skeleton end to end: three worker processes, a real Redis, the seeds replayed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import redis

from services import names
from services.cli import drained, publish_documents, start_workers, stop_workers, wait_ready
from services.embedded import free_port
from services.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pipeline(redis_url: str) -> Iterator[Settings]:
    """The three workers as separate processes, ready, on free ports."""
    settings = Settings(
        redis_url=redis_url,
        ingest_port=free_port(),
        extract_port=free_port(),
        alert_port=free_port(),
    )
    procs = start_workers(redis_url, settings)
    try:
        wait_ready(settings, procs, timeout=120)
        yield settings
    finally:
        stop_workers(procs)
    assert [p.returncode for p in procs] == [0, 0, 0], "workers must exit 0 on SIGTERM"


def _wait_drained(client: redis.Redis, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not drained(client):
        assert time.monotonic() < deadline, "pipeline did not drain"
        time.sleep(0.2)


def _metric(settings: Settings, port: int, name: str) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


def test_seeds_flow_to_alerts_over_pubsub(pipeline: Settings, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.psubscribe(names.severity_channel("*"))
    pubsub.get_message(timeout=1)  # let the subscription settle

    assert publish_documents(client, [ROOT / "seeds"]) == 5
    _wait_drained(client)

    alerts = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message:
            alerts.append(orjson.loads(message["data"]))
        elif alerts:
            break
    types = {event["type"] for alert in alerts for event in alert["events"]}
    assert {"delegation_visit", "troop_deployment"} <= types, alerts
    assert all(a["events"][0]["sentence"] for a in alerts)

    assert client.xlen(names.ARTICLES_STREAM) == 5
    assert client.xlen(names.ALERTS_STREAM) == len(alerts)
    assert _metric(pipeline, pipeline.extract_port, "eventwatch_events_extracted_total") > 0
    assert _metric(pipeline, pipeline.alert_port, "eventwatch_alerts_fired_total") == len(alerts)
    # FastStream's own broker metrics sit on the same endpoint
    assert _metric(pipeline, pipeline.ingest_port, "faststream_received_messages_total") >= 5

    # the same seeds again: exact repeats, so no new articles and no new alerts
    publish_documents(client, [ROOT / "seeds"])
    _wait_drained(client)
    time.sleep(0.5)
    assert client.xlen(names.ARTICLES_STREAM) == 5
    assert client.xlen(names.ALERTS_STREAM) == len(alerts)

    # `eventwatch rules backtest` over the stored events prints the alerts that fired live
    fired = [a["alert_id"] for a in alerts]
    backtest = _cli(redis_url, "rules", "backtest", str(ROOT / "rules" / "default.yaml"))
    assert sorted(a["alert_id"] for a in backtest) == sorted(fired)
    # `eventwatch alerts list`: the history in order, by rule glob, an alert sent twice once
    [(_, first)] = client.xrange(names.ALERTS_STREAM, count=1)
    client.xadd(names.ALERTS_STREAM, first)  # as a redelivery after a crash would
    assert [a["alert_id"] for a in _cli(redis_url, "alerts", "list")] == fired
    rule = alerts[-1]["rule"]
    by_rule = _cli(redis_url, "alerts", "list", "--rule", rule[:3] + "*")
    assert by_rule and all(a["rule"].startswith(rule[:3]) for a in by_rule)
    assert len(_cli(redis_url, "alerts", "list", "--limit", "2")) == 2


def _cli(redis_url: str, *args: str) -> list[dict]:
    """Run an `eventwatch` command in this process; the JSON lines it prints."""
    from typer.testing import CliRunner

    from services.cli import app

    result = CliRunner().invoke(app, list(args), env={"EVENTWATCH_REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    return [orjson.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_bad_messages_reach_the_dead_letter_stream_and_the_worker_goes_on(
    pipeline: Settings, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.xadd(names.RAW_STREAM, {"__data__": b"this is not json {"})
    client.xadd(names.RAW_STREAM, {"__data__": orjson.dumps({"format": "text"})})
    client.xadd(
        names.RAW_STREAM, {"__data__": orjson.dumps({"doc_id": "blank", "content": "  \n"})}
    )
    client.xadd(names.ARTICLES_STREAM, {"__data__": orjson.dumps({"article_id": "x"})})
    client.xadd(names.EVENTS_STREAM, {"__data__": orjson.dumps({"type": "no_such_type"})})
    publish_documents(client, [ROOT / "seeds" / "004_d380d26159340064.txt"])
    _wait_drained(client)

    letters = [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _, fields in client.xrange(names.DEAD_LETTER_STREAM)
    ]
    by_reason = {(d["stage"], d["reason"]) for d in letters}
    assert ("ingest", "bad_message") in by_reason  # not JSON, and JSON lacking doc_id
    assert ("ingest", "empty") in by_reason
    assert ("extract", "bad_article") in by_reason
    assert ("alert", "bad_event") in by_reason
    assert len(letters) == 5
    assert any("not json" in d["payload"] for d in letters)
    # the good document behind them still went through (next to the bad article put there)
    from services.cli import _stream_bodies

    ids = [a.get("article_id") for a in _stream_bodies(client, names.ARTICLES_STREAM)]
    assert ids == ["x", "004_d380d26159340064"]
    assert client.xlen(names.EVENTS_STREAM) > 1
    assert _metric(pipeline, pipeline.ingest_port, "eventwatch_dead_letters_total") == 3
    # a backtest reads past the bad event the alert worker dead-lettered
    _cli(redis_url, "rules", "backtest", str(ROOT / "rules" / "default.yaml"))


def test_subscribe_prints_each_matching_alert_once(redis_url: str) -> None:
    """`eventwatch subscribe GLOB` listens on the rule and severity channels matching GLOB and
    prints each alert once, though a matching alert arrives on both of its channels."""
    client = redis.Redis.from_url(redis_url)
    env = {**os.environ, "EVENTWATCH_REDIS_URL": redis_url, "EVENTWATCH_LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "services.cli", "subscribe", "*-troops*"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while client.pubsub_numpat() < 2:  # its two patterns are subscribed
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        sent = [("prk-troops-to-russia", "critical"), ("weapons-test", "warning")] * 3
        for i, (rule, severity) in enumerate(sent):
            body = orjson.dumps({"alert_id": f"id{i}", "rule": rule, "severity": severity})
            client.publish(names.severity_channel(severity), body)
            client.publish(names.rule_channel(rule), body)
        last = {"alert_id": "last", "rule": "kor-troops", "severity": "info"}
        client.publish(names.rule_channel("kor-troops"), orjson.dumps(last))
        lines = _read_until(proc, "last", timeout=30)
    finally:
        proc.terminate()
        proc.wait(10)
    assert [(a["alert_id"], a["rule"]) for a in lines] == [
        ("id0", "prk-troops-to-russia"),
        ("id2", "prk-troops-to-russia"),
        ("id4", "prk-troops-to-russia"),
        ("last", "kor-troops"),
    ]


def _read_until(proc: subprocess.Popen[bytes], alert_id: str, timeout: float) -> list[dict]:
    """The JSON lines `proc` prints up to the alert `alert_id`, failing after `timeout`."""
    import selectors

    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buffer, lines = b"", []
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while not lines or lines[-1]["alert_id"] != alert_id:
            if b"\n" not in buffer:
                assert sel.select(max(0.0, deadline - time.monotonic())), f"{alert_id}? {lines}"
                chunk = os.read(fd, 65536)
                assert chunk, f"subscribe exited before {alert_id}: {lines}"
                buffer += chunk
                continue
            line, buffer = buffer.split(b"\n", 1)
            lines.append(orjson.loads(line))
    return lines
