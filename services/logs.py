"""Logging set up once at the entry point: plain lines or JSON lines carrying ids."""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson

# Extra attributes a handler may attach (logger.info(..., extra={"article_id": ...})).
ID_FIELDS = ("stage", "article_id", "event_id", "alert_id", "message_id", "rule")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the ids a handler attached as `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for field in ID_FIELDS:
            if (value := getattr(record, field, None)) is not None:
                out[field] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(out).decode()


def configure(level: str = "INFO", json: bool = False) -> None:
    """Send logs to stderr, as JSON lines when asked; quiet chatty libraries."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # FastStream logs every message at INFO; keep that out of the hot path.
    logging.getLogger("faststream").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
