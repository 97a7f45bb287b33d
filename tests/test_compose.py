"""docker-compose.yml and the Prometheus config checked against the code (no Docker engine here)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services.cli import STAGES
from services.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_redis_runs_with_aof_and_a_healthcheck(compose: dict) -> None:
    redis = compose["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command and "--appendfsync everysec" in command
    assert redis["healthcheck"]["test"]


def test_each_worker_runs_its_stage_on_the_port_the_code_reads(compose: dict) -> None:
    defaults = Settings()
    for stage in STAGES:
        service = compose["services"][stage]
        assert service["command"] == ["worker", stage]
        env = service["environment"]
        port = int(env[f"EVENTWATCH_{stage.upper()}_PORT"])
        assert port == getattr(defaults, f"{stage}_port")
        assert str(port) in service["expose"]
        assert env["EVENTWATCH_REDIS_URL"].startswith("redis://redis:")
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["healthcheck"]["test"]


def test_dockerfile_entrypoint_is_the_cli_and_listens_beyond_loopback() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["eventwatch"]' in dockerfile
    assert "EVENTWATCH_METRICS_HOST=0.0.0.0" in dockerfile
    for path in ("schemas", "services", "rules", "seeds"):
        assert (ROOT / path).exists() and f"COPY {path}" in dockerfile


def test_prometheus_scrapes_every_worker_port(compose: dict) -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets = set()
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            targets.update(static["targets"])
        for sd in job.get("dns_sd_configs", []):
            targets.update(f"{name}:{sd['port']}" for name in sd["names"])
    for stage in STAGES:
        port = compose["services"][stage]["environment"][f"EVENTWATCH_{stage.upper()}_PORT"]
        assert f"{stage}:{port}" in targets
    mount = compose["services"]["prometheus"]["volumes"][0].split(":")[0]
    assert (ROOT / mount).resolve() == (ROOT / "deploy/prometheus/prometheus.yml").resolve()


def _promtool(*args: str) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian package prometheus)")
    result = subprocess.run([promtool, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_prometheus_config() -> None:
    _promtool("check", "config", "--syntax-only", str(ROOT / "deploy/prometheus/prometheus.yml"))


def test_promtool_accepts_the_alert_rules() -> None:
    _promtool("check", "rules", str(ROOT / "deploy/prometheus/alerts.yml"))


def _mounts(service: dict) -> dict[str, Path]:
    """Container path -> repo path of a service's bind mounts."""
    out = {}
    for volume in service.get("volumes", []):
        host, container, *_ = volume.split(":")
        if host.startswith("./"):
            out[container] = ROOT / host
    return out


def test_monitoring_services_have_healthchecks_and_wait_for_healthy_dependencies(
    compose: dict,
) -> None:
    services = compose["services"]
    for name in ("prometheus", "alertmanager", "grafana"):
        assert services[name]["healthcheck"]["test"], name
        for dep in services[name].get("depends_on", {}).values():
            assert dep["condition"] == "service_healthy"
    assert set(services["prometheus"]["depends_on"]) >= {"ingest", "extract", "alert"}
    for name, service in services.items():
        for host in _mounts(service).values():
            assert host.exists(), f"{name} mounts {host} which is not in the repo"


def test_prometheus_loads_the_shipped_rules_and_alertmanager(compose: dict) -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    mounts = _mounts(compose["services"]["prometheus"])
    for rule_file in config["rule_files"]:
        assert mounts[rule_file].exists()
    [target] = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert target.split(":")[0] in compose["services"]


def test_grafana_provisioning_points_at_the_dashboard(compose: dict) -> None:
    mounts = _mounts(compose["services"]["grafana"])
    provisioning = mounts["/etc/grafana/provisioning"]
    provider = yaml.safe_load((provisioning / "dashboards/eventwatch.yml").read_text())
    dashboards_path = provider["providers"][0]["options"]["path"]
    dashboard = json.loads((mounts[dashboards_path] / "eventwatch.json").read_text())
    assert dashboard["panels"] and all(p["targets"][0]["expr"] for p in dashboard["panels"])
    datasource = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"
