"""A real Prometheus, with the shipped configuration pointed at the test's workers."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import yaml

from services.cli import drained, publish_documents, start_workers, stop_workers, wait_ready
from services.embedded import free_port
from services.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.monitoring]
ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS = shutil.which("prometheus")


def _query(base: str, expr: str) -> list[dict]:
    r = httpx.get(f"{base}/api/v1/query", params={"query": expr}, timeout=10)
    r.raise_for_status()
    return r.json()["data"]["result"]


def _value(base: str, expr: str) -> float | None:
    result = _query(base, expr)
    return float(result[0]["value"][1]) if result else None


def _eventually(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(1)


@pytest.fixture
def workers(redis_url: str) -> Iterator[Settings]:
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


@pytest.fixture
def prometheus(workers: Settings, tmp_path: Path) -> Iterator[str]:
    """Prometheus started from deploy/prometheus with each job's targets set to our workers."""
    if PROMETHEUS is None:
        pytest.skip("prometheus not installed (Debian package prometheus)")
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [str(ROOT / "deploy/prometheus/alerts.yml")]
    config.pop("alerting")
    ports = {
        "ingest": workers.ingest_port,
        "extract": workers.extract_port,
        "alert": workers.alert_port,
    }
    for job in config["scrape_configs"]:
        stage = job["job_name"].removeprefix("eventwatch-")
        job.pop("dns_sd_configs", None)
        job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[stage]}"]}]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _eventually(lambda: _ready(base, proc), timeout=60)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def _ready(base: str, proc: subprocess.Popen[bytes]) -> bool:
    assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "prometheus exited"
    try:
        return httpx.get(f"{base}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_prometheus_sees_events_alerts_and_lag_back_to_zero(
    prometheus: str, workers: Settings, redis_url: str
) -> None:
    _eventually(lambda: _value(prometheus, 'count(up{job=~"eventwatch-.*"} == 1)') == 3)
    client = redis.Redis.from_url(redis_url)
    publish_documents(client, [ROOT / "seeds"])
    _eventually(lambda: drained(client), timeout=120)

    assert _eventually(lambda: _value(prometheus, "sum(eventwatch_events_extracted_total)")) > 0
    assert _eventually(lambda: _value(prometheus, "sum(eventwatch_alerts_fired_total)")) > 0
    assert _eventually(lambda: _value(prometheus, "sum(eventwatch_articles_parsed_total)")) == 5
    # lag and pending back to zero on every stream the workers read
    _eventually(lambda: _value(prometheus, "count(eventwatch_stream_lag_messages)") == 3)
    _eventually(lambda: _value(prometheus, "max(eventwatch_stream_lag_messages)") == 0)
    _eventually(lambda: _value(prometheus, "max(eventwatch_stream_pending_messages)") == 0)
    # the shipped alert rules loaded and evaluate without error
    rules = httpx.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
    loaded = [r for g in rules for r in g["rules"]]
    assert len(loaded) >= 5 and all(r["health"] != "err" for r in loaded)
    # every dashboard query is valid PromQL against these metrics
    import json

    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/eventwatch.json").read_text())
    for panel in dashboard["panels"]:
        _query(prometheus, panel["targets"][0]["expr"])
