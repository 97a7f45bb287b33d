"""The pipeline on a real Redis Cluster: three masters on loopback, three worker processes.

Every Lua script of the workers touches several keys (the story index, fusion, rule state); on
a cluster they must share a hash slot or Redis refuses them, and a stage would never drain.
Skipped, with the reason printed, where Debian's redis-server or redis-cli is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import redis
from pydantic import ValidationError
from redis.cluster import ClusterNode

from services import connect, names
from services.cli import (
    _stream_bodies,
    drained,
    publish_documents,
    start_workers,
    stop_workers,
    wait_ready,
)
from services.embedded import free_port
from services.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_CLI = "/usr/bin/redis-cli"
MASTERS = 3


class LocalCluster:
    """MASTERS redis-server processes in cluster mode on loopback, joined into one cluster."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ports = [free_port() for _ in range(MASTERS)]
        self.procs: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def start(self, timeout: float = 30.0) -> LocalCluster:
        for port in self.ports:
            node_dir = self.root / str(port)
            node_dir.mkdir(parents=True)
            args = [
                REDIS_SERVER,
                "--port", str(port),
                "--cluster-port", str(free_port()),  # the bus; port+10000 may not be free
                "--bind", "127.0.0.1",
                "--cluster-enabled", "yes",
                "--cluster-config-file", str(node_dir / "nodes.conf"),
                "--cluster-node-timeout", "5000",
                "--dir", str(node_dir),
                "--appendonly", "no",
                "--save", "",
                "--daemonize", "no",
                "--logfile", str(node_dir / "redis.log"),
            ]  # fmt: skip
            self.procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + timeout
        for port in self.ports:
            self._wait(lambda p=port: redis.Redis(port=p, socket_connect_timeout=0.5).ping(),
                       deadline, f"node {port} did not answer PING")  # fmt: skip
        subprocess.run(
            [REDIS_CLI, "--cluster", "create",
             *(f"127.0.0.1:{p}" for p in self.ports),
             "--cluster-replicas", "0", "--cluster-yes"],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        for port in self.ports:
            self._wait(lambda p=port: self._state(p) == "ok", deadline,
                       f"node {port} never reported cluster_state:ok")  # fmt: skip
        return self

    @staticmethod
    def _state(port: int) -> str:
        info = redis.Redis(port=port, decode_responses=True).execute_command("CLUSTER INFO")
        return str(info.get("cluster_state"))  # redis-py parses the reply into a dict

    def _wait(self, check, deadline: float, what: str) -> None:  # type: ignore[no-untyped-def]
        while True:
            for proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"a redis-server exited: {self.log_tail()}")
            try:
                if check():
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}\n{self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self) -> str:
        logs = sorted(self.root.glob("*/redis.log"))
        return "\n".join(line for p in logs for line in p.read_text().splitlines()[-5:])

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    missing = [p for p in (REDIS_SERVER, REDIS_CLI) if not shutil.which(p)]
    if missing:
        reason = f"needs Debian's redis-server and redis-cli; missing {', '.join(missing)}"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    server = LocalCluster(tmp_path / "cluster")
    try:
        yield server.start()
    finally:
        server.stop()


def _wait_drained(client: connect.SyncRedis, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not drained(client):
        assert time.monotonic() < deadline, "pipeline did not drain on the cluster"
        time.sleep(0.2)


def _received(pubsubs: list[redis.client.PubSub], settle: float = 3.0) -> list[list[str]]:
    """The alert ids each subscriber has got, read until none arrives for `settle` seconds."""
    got: list[list[str]] = [[] for _ in pubsubs]
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < settle:
        for i, pubsub in enumerate(pubsubs):
            message = pubsub.get_message(timeout=0.05)
            if message:
                got[i].append(orjson.loads(message["data"])["alert_id"])
                quiet_since = time.monotonic()
    return got


def test_cluster_setting_wants_one_node_url_at_database_0() -> None:
    assert Settings(redis_url="redis://10.0.0.5:7000", redis_cluster=True).redis_cluster
    assert Settings(redis_url="rediss://u:p@node:6379/0", redis_cluster=True).redis_cluster
    for bad in ({}, {"redis_url": "redis://node:6379/2"}, {"redis_url": "unix:///tmp/r.sock"}):
        with pytest.raises(ValidationError):
            Settings(redis_cluster=True, **bad)  # type: ignore[arg-type]


@pytest.mark.integration
@pytest.mark.cluster
@pytest.mark.timeout(240)
def test_seeds_flow_through_a_three_master_cluster(cluster: LocalCluster) -> None:
    settings = Settings(
        redis_url=cluster.url,
        redis_cluster=True,
        ingest_port=free_port(),
        extract_port=free_port(),
        alert_port=free_port(),
    )
    client = connect.sync_client(cluster.url, cluster=True)
    assert isinstance(client, redis.RedisCluster)
    # pub/sub is cluster-wide: a subscriber on every master gets every alert, whichever node
    # the alert worker's PUBLISH went to
    pubsubs = [
        client.pubsub(node=ClusterNode("127.0.0.1", port), ignore_subscribe_messages=True)
        for port in cluster.ports
    ]
    for pubsub in pubsubs:
        pubsub.psubscribe(names.severity_channel("*"))
        pubsub.get_message(timeout=0.5)  # let the subscription settle
    procs = start_workers(cluster.url, settings)
    try:
        wait_ready(settings, procs, timeout=120)

        assert publish_documents(client, [SEEDS]) == 5
        _wait_drained(client)
        received = _received(pubsubs)

        articles = _stream_bodies(client, names.ARTICLES_STREAM)
        seeds = sorted(p.stem for p in SEEDS.glob("*.txt"))
        assert sorted(a["article_id"] for a in articles) == seeds
        stories = {a["article_id"][:3]: a["story_id"] for a in articles}
        assert stories["000"] == stories["001"], stories  # the rewrite pair: one story
        assert len(set(stories.values())) == 4

        events = _stream_bodies(client, names.EVENTS_STREAM)
        assert events and {"delegation_visit", "troop_deployment"} <= {e["type"] for e in events}
        alerts = _stream_bodies(client, names.ALERTS_STREAM)
        assert alerts
        ids = sorted(a["alert_id"] for a in alerts)
        assert len(set(ids)) == len(ids)
        assert [sorted(got) for got in received] == [ids] * MASTERS, "pub/sub lost alerts"
        assert client.xlen(names.DEAD_LETTER_STREAM) == 0

        # the state really is spread over the masters, and each script's keys share a slot
        sizes = [redis.Redis(port=p).dbsize() for p in cluster.ports]
        assert sum(1 for n in sizes if n) >= 2, sizes
        story_keys = list(client.scan_iter(match=f"{names.STORY_PREFIX}*", count=1000))
        assert story_keys and len({client.keyslot(k) for k in story_keys}) == 1

        # the same seeds again: exact repeats, found across slots; nothing new downstream
        publish_documents(client, [SEEDS])
        _wait_drained(client)
        time.sleep(1.0)
        assert client.xlen(names.ARTICLES_STREAM) == len(seeds)
        assert client.xlen(names.ALERTS_STREAM) == len(alerts)
        assert _received(pubsubs, settle=0.5) == [[]] * MASTERS
    finally:
        stop_workers(procs)
        for pubsub in pubsubs:
            pubsub.close()
        client.close()
    assert [p.returncode for p in procs] == [0, 0, 0], "workers must exit 0 on SIGTERM"
