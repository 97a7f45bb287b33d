"""`eventwatch`: run the pipeline, replay documents, watch alerts, and inspect the stages.

The only module that prints; everything else logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, cast

import httpx
import orjson
import redis
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from services import connect, logs, names, wire
from services.connect import SyncRedis
from services.embedded import EmbeddedRedis
from services.ingest.parse import BadDocument, load_file, parse_document
from services.settings import Settings

app = typer.Typer(help="eventwatch: geopolitical news in, typed events and alerts out.")
rules_app = typer.Typer(help="Check and backtest watch rules.")
alerts_app = typer.Typer(help="Alert history.")
dlq_app = typer.Typer(help="Inspect and re-drive the dead-letter stream.")
app.add_typer(rules_app, name="rules")
app.add_typer(alerts_app, name="alerts")
app.add_typer(dlq_app, name="dlq")
out = Console()
err = Console(stderr=True)
log = logging.getLogger("eventwatch.cli")

STAGES = ("ingest", "extract", "alert")
PIPELINE = (
    (names.RAW_STREAM, names.INGEST_GROUP),
    (names.ARTICLES_STREAM, names.EXTRACT_GROUP),
    (names.EVENTS_STREAM, names.ALERT_GROUP),
)
DOC_SUFFIXES = {".txt", ".html", ".htm", ".json"}
DATA_FIELD = "__data__"  # the stream-entry field FastStream reads a message body from


def _settings() -> Settings:
    settings = Settings()
    logs.configure(settings.log_level, settings.log_json)
    return settings


@contextlib.contextmanager
def redis_for(settings: Settings, *, fresh: bool = False) -> Iterator[str]:
    """Yield a Redis URL: the configured one, or an embedded server stopped on exit."""
    url = settings.redis_url_value()
    if url:
        yield url
        return
    data = settings.data_dir / "redis"
    if fresh and data.exists():
        shutil.rmtree(data)
    with EmbeddedRedis(data) as server:
        yield server.url


def _client(url: str, settings: Settings) -> SyncRedis:
    """A checked client for `url`: a cluster client when `settings.redis_cluster` says so."""
    try:
        # a cluster client discovers the nodes (and so connects) when it is made
        client = connect.sync_client(url, cluster=settings.redis_cluster, socket_connect_timeout=5)
        client.ping()
    except redis.AuthenticationError as exc:
        err.print(f"[red]redis refused the credentials:[/] {exc}")
        raise typer.Exit(2) from None
    except (redis.ConnectionError, *connect.CLUSTER_ERRORS) as exc:
        what = "the redis cluster" if settings.redis_cluster else "redis"
        err.print(f"[red]cannot reach {what}:[/] {exc}")
        raise typer.Exit(2) from None
    if not settings.redis_cluster and connect.is_cluster_node(client.info("cluster")):
        err.print(f"[red]{connect.NOT_CLUSTER_AWARE}[/]")
        raise typer.Exit(2)
    return client


# -- in-process commands (no Redis) ------------------------------------------------------


def _documents(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in DOC_SUFFIXES))
        else:
            files.append(path)
    return files


def _parse_files(paths: list[Path], settings: Settings) -> Iterator[Any]:
    for path in _documents(paths):
        try:
            yield parse_document(load_file(path), max_bytes=settings.max_document_bytes)
        except (BadDocument, OSError) as exc:
            err.print(f"[yellow]skipped {path}:[/] {exc}")


@app.command()
def parse(files: list[Path]) -> None:
    """Parse documents as the ingest worker does; print one Article JSON per line."""
    settings = _settings()
    for article in _parse_files(files, settings):
        print(article.model_dump_json())


@app.command()
def extract(
    files: list[Path],
    batch_size: Annotated[int, typer.Option(help="articles per nlp.pipe batch")] = 16,
) -> None:
    """Parse and extract as the workers do; print one event JSON per line."""
    from services.extract.extractor import extract_articles
    from services.extract.pipeline import load_nlp

    settings = _settings()
    articles = list(_parse_files(files, settings))
    nlp = load_nlp(settings.spacy_model)
    for events in extract_articles(nlp, articles, batch_size=batch_size):
        for event in events:
            print(event.model_dump_json())


# -- talking to a running pipeline ---------------------------------------------------------


def publish_documents(client: SyncRedis, files: list[Path], rate: float | None = None) -> int:
    """Publish raw documents to the raw stream (FastStream's message format); return the count."""
    files = _documents(files)
    interval = 1.0 / rate if rate else 0.0
    sent = 0
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("replaying", total=len(files))
        for path in files:
            fmt = {".html": "html", ".htm": "html", ".json": "json"}.get(
                path.suffix.lower(), "text"
            )
            data = path.read_bytes()
            body = {
                "doc_id": path.stem,
                "format": fmt,
                "content": data.decode("utf-8", "replace"),
                "source_path": str(path),
            }
            # Plain JSON under FastStream's data field: its parser takes it as the body.
            client.xadd(names.RAW_STREAM, {DATA_FIELD: orjson.dumps(body)})
            sent += 1
            progress.advance(task)
            if interval:
                time.sleep(interval)
    return sent


@app.command()
def replay(
    paths: list[Path],
    rate: Annotated[float | None, typer.Option(help="documents per second")] = None,
) -> None:
    """Publish raw documents (files or folders) to the raw stream of a running pipeline."""
    settings = _settings()
    url = settings.redis_url_value()
    if not url:
        err.print("[red]set EVENTWATCH_REDIS_URL to the pipeline's Redis (or use `run`)[/]")
        raise typer.Exit(2)
    count = publish_documents(_client(url, settings), paths, rate)
    out.print(f"published {count} documents to {names.RAW_STREAM}")


SUBSCRIBE_REMEMBERED = 10_000  # alert ids `subscribe` keeps to drop an alert's second copy


@app.command()
def subscribe(
    pattern: Annotated[str, typer.Argument(help="rule or severity glob, e.g. 'critical'")] = "*",
) -> None:
    """Print alerts as JSON lines as they arrive (Ctrl-C to stop)."""
    settings = _settings()
    url = settings.redis_url_value()
    if not url:
        err.print("[red]set EVENTWATCH_REDIS_URL to the pipeline's Redis[/]")
        raise typer.Exit(2)
    # Pub/sub is cluster-wide (not sharded): on a cluster this listens on one node, which
    # receives what is published on any node.
    pubsub = _client(url, settings).pubsub(ignore_subscribe_messages=True)
    pubsub.psubscribe(names.rule_channel(pattern), names.severity_channel(pattern))
    # One alert goes to a rule and a severity channel, both of which may match: print it
    # once. Its copies arrive together, so remembering the latest ids is enough.
    recent: dict[str, None] = {}
    try:
        for message in pubsub.listen():
            alert = orjson.loads(message["data"])
            if alert["alert_id"] in recent:
                continue
            recent[alert["alert_id"]] = None
            if len(recent) > SUBSCRIBE_REMEMBERED:
                del recent[next(iter(recent))]
            print(orjson.dumps(alert).decode(), flush=True)
    except KeyboardInterrupt:
        pass


Entries = list[tuple[bytes, dict[bytes, bytes]]]


def entries(client: SyncRedis, stream: str, *, newest_first: bool = False, **kw: Any) -> Entries:
    """Stream entries as redis-py returns them to a bytes client (ids and fields as bytes)."""
    rows = client.xrevrange(stream, **kw) if newest_first else client.xrange(stream, **kw)
    return cast(Entries, rows or [])


def _stream_bodies(
    client: SyncRedis, stream: str, count: int | None = None
) -> list[dict[str, Any]]:
    """Decode the FastStream-encoded bodies of a stream, oldest first."""
    from faststream.redis.parser import BinaryMessageFormatV1

    bodies = []
    for _, fields in entries(client, stream, count=count):
        data, _headers = BinaryMessageFormatV1.parse(fields[DATA_FIELD.encode()])
        bodies.append(orjson.loads(data))
    return bodies


@alerts_app.command("list")
def alerts_list(
    rule: Annotated[str, typer.Option(help="rule name glob")] = "*",
    limit: int = 100,
) -> None:
    """Print the alert history from the durable alerts stream, oldest first, as JSON lines;
    an alert sent again after a worker crash (same `alert_id`) is printed once."""
    settings = _settings()
    url = settings.redis_url_value()
    if not url:
        err.print("[red]set EVENTWATCH_REDIS_URL[/]")
        raise typer.Exit(2)
    seen: set[str] = set()
    for alert in _stream_bodies(_client(url, settings), names.ALERTS_STREAM):
        if len(seen) >= limit:
            break
        if fnmatch.fnmatch(alert["rule"], rule) and alert["alert_id"] not in seen:
            seen.add(alert["alert_id"])
            print(orjson.dumps(alert).decode())


@dlq_app.command("list")
def dlq_list(limit: int = 50) -> None:
    """Show dead-lettered messages: when, which stage, why."""
    settings = _settings()
    url = settings.redis_url_value()
    if not url:
        err.print("[red]set EVENTWATCH_REDIS_URL[/]")
        raise typer.Exit(2)
    table = Table("id", "stage", "reason", "error", "payload")
    for entry_id, fields in entries(
        _client(url, settings), names.DEAD_LETTER_STREAM, newest_first=True, count=limit
    ):
        f = {k.decode(): v.decode("utf-8", "replace") for k, v in fields.items()}
        table.add_row(
            entry_id.decode(), f["stage"], f["reason"], f["error"][:60], f["payload"][:60]
        )
    out.print(table)


@dlq_app.command("replay")
def dlq_replay(
    entry_ids: Annotated[
        list[str] | None, typer.Argument(help="dead-letter ids; all if none")
    ] = None,
) -> None:
    """Re-drive dead-lettered messages to the stream they came from, then drop them."""
    settings = _settings()
    url = settings.redis_url_value()
    if not url:
        err.print("[red]set EVENTWATCH_REDIS_URL[/]")
        raise typer.Exit(2)
    client = _client(url, settings)
    moved = 0
    for entry_id, fields in entries(client, names.DEAD_LETTER_STREAM):
        if entry_ids and entry_id.decode() not in entry_ids:
            continue
        stream = fields.get(b"stream", b"").decode()
        if stream not in names.STREAMS:
            continue
        client.xadd(stream, {DATA_FIELD: fields[b"payload"]})
        client.xdel(names.DEAD_LETTER_STREAM, entry_id)
        moved += 1
    out.print(f"re-drove {moved} dead letters")


# -- rules -------------------------------------------------------------------------------


@rules_app.command("check")
def rules_check(file: Path) -> None:
    """Validate a rules file; exit 1 with the rule and field named if it is bad."""
    from services.alert.rules import check_file

    errors = check_file(file)
    for line in errors:
        err.print(f"[red]{line}[/]")
    if errors:
        raise typer.Exit(1)
    out.print(f"{file}: ok")


@rules_app.command("backtest")
def rules_backtest(
    rules_file: Path,
    since: Annotated[str, typer.Option(help="events stream id or ms timestamp to start at")] = "-",
) -> None:
    """Run rules over the stored events stream; print what would fire, publish nothing.

    Each event is taken as processed when it was stored (its stream id's time), so realert,
    threshold and sequence windows span the time they spanned live."""
    from schemas.events import EVENT_ADAPTER, Event
    from services.alert.engine import backtest
    from services.alert.rules import load_rules

    settings = _settings()
    url = settings.redis_url_value()
    if not url:
        err.print("[red]set EVENTWATCH_REDIS_URL[/]")
        raise typer.Exit(2)
    client = _client(url, settings)
    events: list[Event] = []
    times: list[datetime] = []
    skipped = 0
    for entry_id, fields in entries(client, names.EVENTS_STREAM, min=since):
        try:
            events.append(EVENT_ADAPTER.validate_json(wire.payload(fields[DATA_FIELD.encode()])))
        except (KeyError, ValueError):  # not an event: the alert worker dead-lettered it
            skipped += 1
            continue
        stored_ms = int(entry_id.split(b"-", 1)[0])
        times.append(datetime.fromtimestamp(stored_ms / 1000, UTC))
    if skipped:
        err.print(f"[yellow]skipped {skipped} entries that are not valid events[/]")
    for alert in asyncio.run(backtest(load_rules(rules_file), events, times)):
        print(alert.model_dump_json())


# -- workers and the whole pipeline ------------------------------------------------------


@app.command()
def worker(stage: Annotated[str, typer.Argument(help="ingest, extract or alert")]) -> None:
    """Run one worker in this process (what `faststream run services.<stage>.app:app` does)."""
    if stage not in STAGES:
        err.print(f"[red]unknown stage {stage!r}; choose one of {', '.join(STAGES)}[/]")
        raise typer.Exit(2)
    settings = _settings()
    module = __import__(f"services.{stage}.app", fromlist=["create_app"])
    try:
        asyncio.run(module.create_app(settings).run())
    except SystemExit as exc:
        if exc.code not in (None, 0):
            err.print(f"[red]{stage} worker stopped:[/] {exc.code}")
            raise typer.Exit(2) from None


DOCS_PLACEHOLDER_CONSUMER = "<hostname>-<pid>"


def asyncapi_documents(settings: Settings) -> dict[str, str]:
    """Each worker's AsyncAPI document (YAML), as FastStream generates it from the code."""
    settings = settings.model_copy(update={"consumer_name": DOCS_PLACEHOLDER_CONSUMER})
    docs = {}
    for stage in STAGES:
        module = __import__(f"services.{stage}.app", fromlist=["create_app"])
        docs[stage] = module.create_app(settings).schema.to_specification().to_yaml()
    return docs


@app.command()
def asyncapi(
    folder: Annotated[Path, typer.Option(help="where <stage>.yaml goes")] = Path("docs/asyncapi"),
) -> None:
    """Write the AsyncAPI document of every worker's streams and channels (`make asyncapi`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stage, text in asyncapi_documents(_settings()).items():
        (folder / f"{stage}.yaml").write_text(text, "utf-8")
        out.print(f"wrote {folder / stage}.yaml")


def start_workers(
    url: str, settings: Settings, stages: tuple[str, ...] = STAGES
) -> list[subprocess.Popen[bytes]]:
    """Start workers (by default the three) as separate processes against `url`."""
    env = {
        # the workers' own INFO lines would bury the alerts printed here
        "EVENTWATCH_LOG_LEVEL": "WARNING",
        **os.environ,
        "EVENTWATCH_REDIS_URL": url,
        "EVENTWATCH_REDIS_CLUSTER": "true" if settings.redis_cluster else "false",
        "EVENTWATCH_INGEST_PORT": str(settings.ingest_port),
        "EVENTWATCH_EXTRACT_PORT": str(settings.extract_port),
        "EVENTWATCH_ALERT_PORT": str(settings.alert_port),
        "EVENTWATCH_RULES_FILE": str(settings.rules_file),
    }
    return [
        subprocess.Popen([sys.executable, "-m", "services.cli", "worker", stage], env=env)
        for stage in stages
    ]


MAX_RESTARTS = 5


def restart_exited(
    url: str, settings: Settings, procs: list[subprocess.Popen[bytes]], restarts: Counter[str]
) -> None:
    """Restart any worker that exited, as compose's `restart:` does; give up after a few."""
    for i, (proc, stage) in enumerate(zip(procs, STAGES, strict=True)):
        if proc.poll() is None:
            continue
        restarts[stage] += 1
        if restarts[stage] > MAX_RESTARTS:
            raise RuntimeError(f"the {stage} worker keeps exiting ({proc.returncode}); see its log")
        err.print(f"[yellow]{stage} worker exited with {proc.returncode}; restarting it[/]")
        procs[i] = start_workers(url, settings, (stage,))[0]


def wait_ready(settings: Settings, procs: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """Wait until every worker answers /ready, or fail if one exits."""
    ports = (settings.ingest_port, settings.extract_port, settings.alert_port)
    deadline = time.monotonic() + timeout
    pending = dict(zip(STAGES, ports, strict=True))
    while pending:
        for proc, stage in zip(procs, STAGES, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(f"{stage} worker exited with {proc.returncode}")
        for stage, port in list(pending.items()):
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.get(f"http://{settings.metrics_host}:{port}/ready", timeout=1)
                if r.status_code == 200:
                    del pending[stage]
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers not ready after {timeout:.0f}s: {sorted(pending)}")
        time.sleep(0.2)


def stop_workers(procs: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    """SIGTERM each worker (they finish and ack in-flight work), then wait."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()


def drained(client: SyncRedis) -> bool:
    """True when every stage's group has read and acknowledged everything in its stream."""
    return all(group_drained(client, stream, group) for stream, group in PIPELINE)


def group_drained(client: SyncRedis, stream: str, group: str) -> bool:
    """True when `group` has read and acknowledged everything in `stream`."""
    try:
        groups = client.xinfo_groups(stream)
    except redis.ResponseError:
        return False
    info = next((g for g in groups if g["name"].decode() == group), None)
    if info is None or int(info["pending"]):
        return False
    last = info["last-delivered-id"].decode()
    return not client.xrange(stream, min=f"({last}", max="+", count=1)


def _print_alert(alert: dict[str, Any]) -> None:
    colour = {"critical": "red", "warning": "yellow"}.get(alert["severity"], "cyan")
    out.print(
        f"[{colour}]ALERT {alert['severity']:8}[/] [bold]{alert['rule']}[/]  {alert['summary']}"
    )
    for event in alert["events"][:1]:
        out.print(f"        evidence: “{event['sentence'][:160]}” ({event['article_id']})")


def summary(client: SyncRedis) -> Table:
    """Articles, events by type and alerts by rule, read back from the streams."""
    events = Counter(e["type"] for e in _stream_bodies(client, names.EVENTS_STREAM))
    alerts = Counter(a["rule"] for a in _stream_bodies(client, names.ALERTS_STREAM))
    table = Table("what", "count", title="eventwatch run summary")
    table.add_row("articles", str(client.xlen(names.ARTICLES_STREAM)))
    for name, n in sorted(events.items()):
        table.add_row(f"events: {name}", str(n))
    for name, n in sorted(alerts.items()):
        table.add_row(f"alerts: {name}", str(n))
    table.add_row("dead letters", str(client.xlen(names.DEAD_LETTER_STREAM)))
    return table


@app.command()
def run(
    once: Annotated[bool, typer.Option(help="exit when the replay has drained")] = False,
    seeds: Annotated[Path | None, typer.Option(help="documents to replay")] = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for the drain")] = 600,
) -> None:
    """Redis (embedded or given), the three workers, a replay of the seeds, alerts printed live."""
    settings = _settings()
    with redis_for(settings, fresh=once) as url:
        client = _client(url, settings)
        procs = start_workers(url, settings)
        try:
            wait_ready(settings, procs, timeout=120)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.psubscribe(names.severity_channel("*"))
            sent = publish_documents(client, [seeds or settings.seeds_dir])
            out.print(f"replayed {sent} documents; waiting for alerts…")
            deadline = time.monotonic() + timeout
            quiet_since: float | None = None
            restarts: Counter[str] = Counter()
            while True:
                message = pubsub.get_message(timeout=0.2)
                if message:
                    _print_alert(orjson.loads(message["data"]))
                    quiet_since = None
                    continue
                restart_exited(url, settings, procs, restarts)
                if not once:
                    continue
                if drained(client):
                    quiet_since = quiet_since or time.monotonic()
                    if time.monotonic() - quiet_since > 1.0:
                        break
                else:
                    quiet_since = None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"replay did not drain within {timeout:.0f}s")
            out.print(summary(client))
        except KeyboardInterrupt:
            pass
        except RuntimeError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
        finally:
            stop_workers(procs)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
