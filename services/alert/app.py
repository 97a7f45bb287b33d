"""Alert worker: events -> watch rules -> alerts on the alerts stream and pub/sub channels.

Run alone with `faststream run services.alert.app:app` or `eventwatch worker alert`.
Alerts are published as plain JSON on the channels, so `redis-cli PSUBSCRIBE` reads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter

from faststream import FastStream
from pydantic import ValidationError

from schemas.alerts import Alert
from schemas.events import EVENT_ADAPTER, Event
from services import names
from services.alert.alertmanager import AlertmanagerForwarder
from services.alert.encode import EventJson, alert_json
from services.alert.engine import RedisRuleState, RuleEngine
from services.alert.watch import RulesReloader
from services.runtime import Entry, Fanned, Outbox, Tail, WorkerRuntime, validation_reason
from services.settings import Settings

log = logging.getLogger(__name__)
RELOAD_SECONDS = 2.0


def create_app(settings: Settings | None = None) -> FastStream:
    """Build the alert worker; rules load when the app starts and reload when the file changes."""
    settings = settings or Settings()
    rt = WorkerRuntime(
        "alert",
        settings,
        port=settings.alert_port,
        description="Events in; watch rules applied; alerts to a durable stream and pub/sub.",
    )
    rt.output(names.ALERTS_STREAM, Alert, title="alerts", description="The alert history.")
    for channel, what in (
        (names.severity_channel("{severity}"), "every alert of one severity"),
        (names.rule_channel("{rule}"), "every alert of one rule"),
    ):
        # Documented here; published as plain JSON by WorkerRuntime.fan_out (see outbox()).
        rt.broker.publisher(channel, schema=Alert, title=channel, description=f"{what}, plain JSON")
    reloader = RulesReloader(settings.rules_file)
    state = RedisRuleState(rt.redis, ttl_seconds=settings.dedup_ttl_days * 86400)
    holder: dict[str, RuleEngine] = {}
    forwarder = (
        AlertmanagerForwarder(settings.alertmanager_url) if settings.alertmanager_url else None
    )
    tasks: list[asyncio.Task[None]] = []
    rt.extra_ready = lambda: "engine" in holder

    @rt.app.on_startup
    def load_rules() -> None:
        rules = reloader.load()
        holder["engine"] = RuleEngine(rules, state)
        rt.metrics.rules_loaded.set(len(rules.rules))

    @rt.app.after_startup
    async def start_background() -> None:
        tasks.append(asyncio.create_task(watch_rules()))
        if forwarder:
            tasks.append(asyncio.create_task(forwarder.run_resend_loop()))

    @rt.app.on_shutdown
    async def stop_background() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def watch_rules() -> None:
        failures = reloader.failures
        while True:
            await asyncio.sleep(RELOAD_SECONDS)
            rules = reloader.maybe_reload()
            if rules is not None:
                holder["engine"].replace_rules(rules)
                rt.metrics.rules_loaded.set(len(rules.rules))
            if reloader.failures > failures:
                rt.metrics.rules_reload_failures.inc(reloader.failures - failures)
                failures = reloader.failures

    def outbox(alerts: list[Alert], event_json: EventJson) -> Outbox:
        """The alerts to send: each encoded once, for its stream entry and both its channels,
        each event once for all its alerts. The runtime sends them with the read's
        acknowledgement in one script call (`WorkerRuntime.fan_out`), then runs `after`."""
        items = [
            Fanned(
                alert_json(alert, event_json),
                alert.alert_id,
                (names.severity_channel(alert.severity), names.rule_channel(alert.rule)),
            )
            for alert in alerts
        ]

        async def after() -> None:
            for (rule, severity), n in Counter((a.rule, a.severity) for a in alerts).items():
                rt.metrics.alerts.labels(rule, severity).inc(n)
            if log.isEnabledFor(logging.INFO):
                for alert in alerts:
                    log.info("alert %s rule=%s %s", alert.alert_id, alert.rule, alert.summary,
                             extra={"alert_id": alert.alert_id, "rule": alert.rule})  # fmt: skip
            if forwarder:
                ok = await forwarder.send(alerts)
                rt.metrics.alertmanager_posts.labels("ok" if ok else "error").inc()

        return Outbox(names.ALERTS_STREAM, items, after)

    async def on_events(entries: list[Entry]) -> Tail:
        events: list[Event] = []
        ids: list[str] = []  # their stream ids: a redelivered read fires what it fired
        for entry in entries:  # raw JSON bytes: validated straight from JSON
            try:
                events.append(EVENT_ADAPTER.validate_json(entry.body))
                ids.append(entry.message_id)
            except ValidationError as exc:
                await rt.refuse(names.EVENTS_STREAM, entry, "bad_event", validation_reason(exc))
        engine = holder["engine"]
        started = time.perf_counter()
        # no state read: planned while the previous read is decided
        plan = engine.plan(events, tokens=ids)
        planning = time.perf_counter() - started

        async def decide() -> Outbox | None:
            # The batch's rule state in one round trip; the runtime runs this while it reads
            # and plans the next batch, and sends the alerts while the next batch is decided.
            event_json = EventJson()
            started = time.perf_counter()
            alerts = await engine.decide(plan, event_json)
            rt.metrics.rule_seconds.observe(planning + time.perf_counter() - started)
            return outbox(alerts, event_json) if alerts else None

        return decide

    rt.consume(
        names.EVENTS_STREAM,
        names.ALERT_GROUP,
        on_events,
        title="events",
        batch_size=settings.event_batch_size,
        raw=True,
        overlap=True,
    )
    return rt.app


app = create_app()
