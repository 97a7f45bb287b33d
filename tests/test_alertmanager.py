"""Forwarding alerts to Alertmanager: the mapping, failures, re-sends, and a real Alertmanager."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from schemas.alerts import Alert
from schemas.events import DelegationVisit, TroopDeployment
from services.alert.alertmanager import AlertmanagerForwarder, to_alertmanager
from services.alert.engine import make_alert
from services.alert.rules import parse_rules

BINARY_NAMES = ("prometheus-alertmanager", "alertmanager")
NOW = datetime.now(UTC).replace(microsecond=0)

RULES = parse_rules(
    """
rules:
  - name: prk-troops-to-russia
    severity: critical
    labels: {team: korea}
    types: [troop_deployment]
    group_by: [origin, destination]
  - name: rus-delegation
    severity: warning
    types: [delegation_visit]
"""
)


def troop_alert(fused: str = "f1", when: datetime = NOW) -> Alert:
    event = TroopDeployment(
        article_id="004_d380d26159340064",
        sentence="An additional 1,000 to 3,000 North Korean soldiers have been dispatched.",
        span=(0, 10),
        modality="reported",
        origin="PRK",
        destination="RUS",
        troops_min=1000,
        troops_max=3000,
        fused_id=fused,
        sources=["Yonhap", "NK News"],
    )
    return make_alert(RULES.rules[0], "PRK|RUS", fused, [event], when)


def visit_alert(when: datetime = NOW) -> Alert:
    event = DelegationVisit(
        article_id="003_dd7a297edacd406f",
        sentence="Sergei Shoigu arrived in Pyongyang.",
        span=(0, 10),
        origin="RUS",
        destination="PRK",
        leader="Sergei Shoigu",
        fused_id="v1",
    )
    return make_alert(RULES.rules[1], "", "v1", [event], when)


def test_mapping_of_labels_and_annotations() -> None:
    alert = troop_alert()
    body = to_alertmanager(alert, NOW + timedelta(minutes=5), "http://eventwatch/alerts")
    assert body["labels"] == {
        "alertname": "prk-troops-to-russia",
        "severity": "critical",
        "team": "korea",
        "kind": "match",
        "alert_id": alert.alert_id,
        "type": "troop_deployment",
        "origin": "PRK",
        "destination": "RUS",
        "key": "PRK|RUS",
    }
    notes = body["annotations"]
    assert notes["summary"] == alert.summary
    assert notes["evidence"].startswith("An additional 1,000 to 3,000")
    assert notes["article_ids"] == "004_d380d26159340064"
    assert notes["sources"] == "Yonhap, NK News"
    assert body["startsAt"] == NOW.isoformat().replace("+00:00", "Z")
    assert body["endsAt"] > body["startsAt"]
    assert body["generatorURL"] == "http://eventwatch/alerts"


def _recorder() -> tuple[list[list[dict[str, Any]]], httpx.AsyncClient]:
    posts: list[list[dict[str, Any]]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/alerts"
        posts.append(json.loads(request.content))
        return httpx.Response(200)

    return posts, httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def test_active_alerts_are_resent_then_resolved() -> None:
    posts, client = _recorder()
    fwd = AlertmanagerForwarder(
        "http://am:9093/", resend_interval=60, active_for=600, client=client
    )
    result = await fwd.send([troop_alert()], now=NOW)
    assert result and result.sent == 1
    assert (await fwd.resend(now=NOW + timedelta(minutes=1))).sent == 1
    ends = datetime.fromisoformat(posts[1][0]["endsAt"])
    assert ends == NOW + timedelta(minutes=1, seconds=180)  # three re-send intervals ahead
    resolved = await fwd.resend(now=NOW + timedelta(minutes=11))
    assert resolved.sent == 1
    assert datetime.fromisoformat(posts[2][0]["endsAt"]) == NOW + timedelta(minutes=11)
    assert fwd.active == {}
    assert (await fwd.resend(now=NOW + timedelta(minutes=12))).sent == 0
    assert len(posts) == 3
    await fwd.aclose()


async def test_failures_are_counted_not_raised() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fwd = AlertmanagerForwarder(f"http://127.0.0.1:{port}", timeout=1)
    result = await fwd.send([troop_alert(), visit_alert()])
    assert not result and result.failed == 2 and fwd.failed == 2
    assert len(fwd.active) == 2  # still active: the next re-send tries again

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text="bad alert")

    fwd = AlertmanagerForwarder(
        "http://am", client=httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    )
    result = await fwd.resend()
    assert result.sent == result.failed == 0  # nothing active, nothing posted
    assert (await fwd.send([troop_alert()])).failed == 1
    await fwd.aclose()


# -- a real Alertmanager ---------------------------------------------------------------


def _binary() -> str | None:
    for name in BINARY_NAMES:
        if found := shutil.which(name):
            return found
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[str]:
    """A real Alertmanager on loopback with a minimal config; skipped if not installed."""
    binary = _binary()
    if binary is None:
        reason = (
            "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)"
        )
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    config = tmp_path / "alertmanager.yml"
    config.write_text(
        "route:\n  receiver: analysts\n  group_by: [alertname]\nreceivers:\n  - name: analysts\n"
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "alertmanager.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"alertmanager did not start: {(tmp_path / 'alertmanager.log').read_text()}"
                )
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.mark.alertmanager
async def test_forwarded_alerts_appear_in_alertmanager(alertmanager: str) -> None:
    fwd = AlertmanagerForwarder(alertmanager, resend_interval=30, active_for=2)
    started = time.monotonic()
    sent = [troop_alert("f1"), troop_alert("f2"), visit_alert()]
    result = await fwd.send(sent)
    assert result and result.sent == 3
    assert await fwd.resend()  # a re-send of the same alerts is accepted, not duplicated

    async with httpx.AsyncClient() as client:
        response = await client.get(f"{alertmanager}/api/v2/alerts")
    response.raise_for_status()
    shown = {a["labels"]["alert_id"]: a for a in response.json()}
    assert set(shown) == {a.alert_id for a in sent}
    troop = shown[sent[0].alert_id]
    assert troop["labels"]["alertname"] == "prk-troops-to-russia"
    assert troop["labels"]["severity"] == "critical"
    assert troop["labels"]["team"] == "korea"
    assert (troop["labels"]["origin"], troop["labels"]["destination"]) == ("PRK", "RUS")
    assert troop["labels"]["type"] == "troop_deployment"
    assert troop["annotations"]["summary"] == sent[0].summary
    assert troop["annotations"]["sources"] == "Yonhap, NK News"
    assert troop["status"]["state"] == "active"
    visit = shown[sent[2].alert_id]
    assert visit["labels"]["alertname"] == "rus-delegation"
    assert visit["annotations"]["evidence"] == "Sergei Shoigu arrived in Pyongyang."

    # once they lapse the forwarder resolves them (endsAt = now) and Alertmanager agrees
    await asyncio.sleep(max(0.0, 2.1 - (time.monotonic() - started)))
    resolved = await fwd.resend()
    assert resolved.sent == 3 and fwd.active == {}
    await asyncio.sleep(0.05)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{alertmanager}/api/v2/alerts")
    assert [a for a in response.json() if a["status"]["state"] == "active"] == []
    await fwd.aclose()
