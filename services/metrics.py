"""Domain metrics, defined once, and the small HTTP server for /metrics, /health and /ready.

Broker-level figures (messages received, processed, latency) come from FastStream's own
`RedisPrometheusMiddleware` on the same registry; nothing here repeats them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class Metrics:
    """Every eventwatch metric, registered on one registry per worker process."""

    def __init__(self, registry: CollectorRegistry, stage: str) -> None:
        self.registry = registry
        self.articles = Counter(
            "eventwatch_articles_parsed", "Articles parsed and published", registry=registry
        )
        self.duplicates = Counter(
            "eventwatch_duplicates",
            "Articles that repeat an earlier one (exact: dropped; near: linked to a story)",
            ["kind"],
            registry=registry,
        )
        self.events = Counter(
            "eventwatch_events_extracted",
            "Events extracted, by type and modality",
            ["type", "modality"],
            registry=registry,
        )
        self.alerts = Counter(
            "eventwatch_alerts_fired",
            "Alerts fired, by rule and severity",
            ["rule", "severity"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "eventwatch_dead_letters",
            "Messages sent to the dead-letter stream, by stage and reason",
            ["stage", "reason"],
            registry=registry,
        )
        self.extraction_seconds = Histogram(
            "eventwatch_extraction_seconds",
            "Time to extract events from one batch of articles",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.batch_failures = Counter(
            "eventwatch_batch_failures",
            "Reads whose work failed after the handler returned (left pending for reclaim)",
            ["stream"],
            registry=registry,
        )
        self.rule_seconds = Histogram(
            "eventwatch_rule_evaluation_seconds",
            "Time to evaluate the rules against one batch of events",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.lag = Gauge(
            "eventwatch_stream_lag_messages",
            "Entries in the stream not yet delivered to the group (XINFO GROUPS lag)",
            ["stream", "group"],
            registry=registry,
        )
        self.pending = Gauge(
            "eventwatch_stream_pending_messages",
            "Entries delivered to the group but not acknowledged (XINFO GROUPS pending)",
            ["stream", "group"],
            registry=registry,
        )
        self.model_load_seconds = Gauge(
            "eventwatch_model_load_seconds", "Time taken to load the spaCy model", registry=registry
        )
        self.rules_loaded = Gauge(
            "eventwatch_rules_loaded", "Watch rules currently active", registry=registry
        )
        self.rules_reload_failures = Counter(
            "eventwatch_rules_reload_failures",
            "Rules-file reloads refused because the new file was invalid",
            registry=registry,
        )
        self.alertmanager_posts = Counter(
            "eventwatch_alertmanager_posts",
            "Posts to Alertmanager's v2 API, by result",
            ["result"],
            registry=registry,
        )
        self.redis_up = Gauge(
            "eventwatch_redis_up", "1 when the last Redis check succeeded", registry=registry
        )
        build = Info("eventwatch_build", "Build information", registry=registry)
        build.info({"version": package_version(), "stage": stage})


def package_version() -> str:
    try:
        return version("eventwatch")
    except PackageNotFoundError:
        return "unknown"


class MetricsServer:
    """Serves /metrics, /health (alive) and /ready (the worker's own readiness check)."""

    def __init__(
        self, registry: CollectorRegistry, host: str, port: int, ready: Callable[[], bool]
    ) -> None:
        self.registry, self.host, self.port, self.ready = registry, host, port, ready
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        """Bind and serve in a daemon thread; port 0 picks a free port (see `self.port`)."""
        server_ref = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(200, generate_latest(server_ref.registry), CONTENT_TYPE_LATEST)
                elif path == "/health":
                    self._send(200, b"ok\n")
                elif path == "/ready":
                    ok = server_ref.ready()
                    self._send(200 if ok else 503, b"ready\n" if ok else b"not ready\n")
                else:
                    self._send(404, b"not found\n")

            def _send(self, code: int, body: bytes, ctype: str = "text/plain") -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # scrapes every few seconds would drown the worker's own log

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        log.info("metrics on http://%s:%s/metrics", self.host, self.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class Stopwatch:
    """Elapsed seconds since creation, for log lines and histograms."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start
