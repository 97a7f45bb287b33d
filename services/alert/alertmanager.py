"""Forward alerts to Prometheus Alertmanager's v2 API and keep re-sending them while active.

Alertmanager resolves an alert at its `endsAt` unless the client sends it again, so each alert
is re-posted every `resend_interval` with a fresh `endsAt` while it is active (`active_for`
after it fired), then posted once with `endsAt` = now to resolve it. Failures are logged and
counted, never raised: delivery must not stop the worker.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from schemas.alerts import Alert

log = logging.getLogger(__name__)
# Alertmanager's own label values are short strings; evidence sentences can be long.
MAX_ANNOTATION = 2000


@dataclass
class SendResult:
    """How one post went; true when nothing failed."""

    sent: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return self.failed == 0


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_alertmanager(
    alert: Alert, ends_at: datetime, generator_url: str | None = None
) -> dict[str, Any]:
    """Map an alert to Alertmanager's v2 postable alert (labels identify it, annotations tell)."""
    labels = {
        **alert.labels,
        "alertname": alert.rule,
        "severity": alert.severity,
        "kind": alert.kind,
        # Alertmanager merges alerts with equal labels; two fused events must stay two alerts.
        "alert_id": alert.alert_id,
    }
    last = alert.events[-1] if alert.events else None
    if last is not None:
        labels["type"] = last.type
        for name in ("origin", "destination", "country"):
            if value := getattr(last, name, None):
                labels[name] = str(value)
    if alert.key:
        labels["key"] = alert.key
    annotations = {
        "summary": alert.summary,
        "evidence": "\n".join(e.sentence for e in alert.events)[:MAX_ANNOTATION],
        "article_ids": ", ".join(alert.article_ids),
        "sources": ", ".join(alert.sources),
    }
    if alert.description:
        annotations["description"] = alert.description
    body: dict[str, Any] = {
        "labels": labels,
        "annotations": {k: v for k, v in annotations.items() if v},
        "startsAt": _iso(alert.fired_at),
        "endsAt": _iso(ends_at),
    }
    if generator_url:
        body["generatorURL"] = generator_url
    return body


class AlertmanagerForwarder:
    """Posts alerts to `{url}/api/v2/alerts` and re-sends the active ones until they lapse."""

    def __init__(
        self,
        url: str,
        resend_interval: float = 60.0,
        resolve_timeout: float | None = None,
        active_for: float = 3600.0,
        generator_url: str | None = None,
        timeout: float = 5.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.endpoint = url.rstrip("/") + "/api/v2/alerts"
        self.resend_interval = resend_interval
        # Long enough that one missed re-send does not resolve a firing alert.
        self.resolve_timeout = resolve_timeout or 3 * resend_interval
        self.active_for = active_for
        self.generator_url = generator_url
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self.active: dict[str, tuple[Alert, datetime]] = {}
        self.sent = 0
        self.failed = 0

    async def send(self, alerts: list[Alert], now: datetime | None = None) -> SendResult:
        """Post new alerts (firing) and remember them as active; never raises."""
        now = now or datetime.now(UTC)
        for alert in alerts:
            self.active[alert.alert_id] = (alert, now + timedelta(seconds=self.active_for))
        ends = now + timedelta(seconds=self.resolve_timeout)
        return await self._post([to_alertmanager(a, ends, self.generator_url) for a in alerts])

    async def resend(self, now: datetime | None = None) -> SendResult:
        """Re-post active alerts with a fresh endsAt; resolve (endsAt = now) those that lapsed."""
        now = now or datetime.now(UTC)
        ends = now + timedelta(seconds=self.resolve_timeout)
        body = []
        for alert_id, (alert, until) in list(self.active.items()):
            if until <= now:
                del self.active[alert_id]
                body.append(to_alertmanager(alert, now, self.generator_url))
            else:
                body.append(to_alertmanager(alert, ends, self.generator_url))
        return await self._post(body)

    async def run_resend_loop(self) -> None:
        """Re-send active alerts every `resend_interval` until cancelled."""
        while True:
            await asyncio.sleep(self.resend_interval)
            await self.resend()

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    async def _post(self, body: list[dict[str, Any]]) -> SendResult:
        if not body:
            return SendResult()
        try:
            response = await self._client.post(self.endpoint, json=body)
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            return self._failed(body, f"HTTP {exc.response.status_code}: {exc.response.text[:200]}")
        except httpx.HTTPError as exc:
            return self._failed(body, f"{type(exc).__name__}: {exc}")
        self.sent += len(body)
        return SendResult(sent=len(body))

    def _failed(self, body: list[dict[str, Any]], reason: str) -> SendResult:
        self.failed += len(body)
        log.warning("alertmanager post of %d alerts failed: %s", len(body), reason)
        return SendResult(failed=len(body))
