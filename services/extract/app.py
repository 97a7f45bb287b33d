"""Extract worker: Articles from the articles stream -> typed events on the events stream.

Run alone with `faststream run services.extract.app:app` or `eventwatch worker extract`.
"""

from __future__ import annotations

import logging
import time

from faststream import FastStream
from pydantic import ValidationError
from spacy.language import Language

from schemas.documents import Article
from schemas.events import Event
from services import names
from services.extract.extractor import extract_articles
from services.extract.fusion import FusionIndex
from services.extract.pipeline import load_nlp
from services.runtime import Entry, WorkerRuntime, validation_reason
from services.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastStream:
    """Build the extract worker; the spaCy model loads when the app starts, not at import."""
    settings = settings or Settings()
    rt = WorkerRuntime(
        "extract",
        settings,
        port=settings.extract_port,
        description="Articles in; typed events (EVENTS.md contract) with evidence and fusion out.",
    )
    rt.output(names.EVENTS_STREAM, Event, title="events",
              description="One entry per event, discriminated on `type`.")  # fmt: skip
    fusion = FusionIndex(rt.redis, ttl_seconds=settings.dedup_ttl_days * 86400)
    state: dict[str, Language] = {}
    rt.extra_ready = lambda: "nlp" in state

    @rt.app.on_startup
    def load_model() -> None:
        started = time.perf_counter()
        state["nlp"] = load_nlp(settings.spacy_model)
        rt.metrics.model_load_seconds.set(time.perf_counter() - started)

    async def on_articles(entries: list[Entry]) -> None:
        articles: list[Article] = []
        for entry in entries:
            try:
                articles.append(Article.model_validate(entry.body))
            except ValidationError as exc:
                await rt.refuse(names.ARTICLES_STREAM, entry, "bad_article", validation_reason(exc))
        with rt.metrics.extraction_seconds.time():
            per_article = extract_articles(state["nlp"], articles, batch_size=settings.batch_size)
        out = []
        for events in await fusion.fuse_many(list(zip(articles, per_article, strict=True))):
            for event in events:
                rt.metrics.events.labels(event.type, event.modality).inc()
                out.append(event.model_dump(mode="json"))
        await rt.publish(names.EVENTS_STREAM, out)
        log.info("extracted %d events from %d articles", len(out), len(articles))

    rt.consume(names.ARTICLES_STREAM, names.EXTRACT_GROUP, on_articles, title="articles")
    return rt.app


app = create_app()
