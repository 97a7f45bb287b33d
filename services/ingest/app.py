"""Ingest worker: raw documents from the raw stream -> Articles on the articles stream.

Run alone with `faststream run services.ingest.app:app` or `eventwatch worker ingest`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from faststream import FastStream
from pydantic import ValidationError

from schemas.documents import Article, RawDocument
from services import names
from services.ingest.dedup import StoryIndex
from services.ingest.parse import BadDocument, parse_document
from services.runtime import Entry, WorkerRuntime, validation_reason
from services.settings import Settings

log = logging.getLogger(__name__)


def arrival(entry: Entry) -> datetime:
    """When the document reached the raw stream: the millisecond part of its entry id. A live
    feed's yearless dateline ("SEOUL, Jan. 9 (Yonhap) --") takes its year from this."""
    return datetime.fromtimestamp(int(entry.message_id.split("-", 1)[0]) / 1000, UTC)


def create_app(settings: Settings | None = None) -> FastStream:
    """Build the ingest worker; nothing connects until the app starts."""
    settings = settings or Settings()
    rt = WorkerRuntime(
        "ingest",
        settings,
        port=settings.ingest_port,
        description="Raw documents (text, HTML, JSON envelopes) in; clean Articles out.",
    )
    rt.output(
        names.ARTICLES_STREAM,
        Article,
        title="articles",
        description="Exact repeats dropped; near-duplicates linked by story_id.",
    )
    stories = StoryIndex(rt.redis, ttl_seconds=settings.dedup_ttl_days * 86400)

    async def on_raw_documents(entries: list[Entry]) -> None:
        articles: list[Article] = []
        for entry in entries:
            try:
                raw = RawDocument.model_validate(entry.body)
                article = parse_document(
                    raw, received_at=arrival(entry), max_bytes=settings.max_document_bytes
                )
            except ValidationError as exc:
                await rt.refuse(names.RAW_STREAM, entry, "bad_message", validation_reason(exc))
                continue
            except BadDocument as exc:
                await rt.refuse(names.RAW_STREAM, entry, exc.reason, exc.detail)
                continue
            linked = await stories.link(article, delivery=entry.message_id)
            if linked is None:
                rt.metrics.duplicates.labels("exact").inc()
                log.debug("dropped exact repeat %s", article.article_id)
                continue
            if linked.duplicate_of:
                rt.metrics.duplicates.labels("near").inc()
            articles.append(linked)
        await rt.publish(names.ARTICLES_STREAM, [a.model_dump(mode="json") for a in articles])
        rt.metrics.articles.inc(len(articles))
        log.info("ingested %d of %d documents", len(articles), len(entries))

    rt.consume(names.RAW_STREAM, names.INGEST_GROUP, on_raw_documents, title="raw")
    return rt.app


app = create_app()
