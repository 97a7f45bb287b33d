"""Ingest parse in-process: articles/s of `parse_document` on documents varied from the seeds.

Three shapes of the same corpus (bench.corpus: shuffled paragraphs, swapped names, changed
numbers): plain text as the seeds come, the text wrapped in a page with scripts, navigation and
a footer, and a JSON envelope. The near-duplicate signature (no Redis) is timed alongside.
Run alone with `python -m bench.bench_ingest`.
"""

from __future__ import annotations

import html
import json
import time
from typing import Any

import orjson

from bench.corpus import generate
from schemas.documents import RawDocument
from services.ingest.dedup import shingle_hashes, signature
from services.ingest.parse import parse_document

_PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title} | Desk</title>
<script>window.analytics = {{queue: []}};</script><style>p {{ margin: 0 }}</style></head>
<body><header><nav><a href="/">Home</a><a href="/world">World</a></nav></header>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p></div>
<main><article><h1>{title}</h1>{paragraphs}</article></main>
<footer><p>© 2025 Desk Media. All rights reserved.</p></footer></body></html>"""


def _as_html(doc_id: str, content: str) -> RawDocument:
    lines = [line for line in content.splitlines() if line.strip()]
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    page = _PAGE.format(title=html.escape(lines[0]), paragraphs=paragraphs)
    return RawDocument(doc_id=doc_id, format="html", content=page)


def _as_json(doc_id: str, content: str) -> RawDocument:
    envelope = {"url": f"https://desk.example/{doc_id}", "title": None, "text": content}
    return RawDocument(doc_id=doc_id, format="json", content=orjson.dumps(envelope).decode())


def _rate(raws: list[RawDocument]) -> tuple[float, int]:
    """Best of three passes, in articles/s, and the words parsed in one pass."""
    best = float("inf")
    words = 0
    for _ in range(3):
        start = time.perf_counter()
        articles = [parse_document(raw) for raw in raws]
        best = min(best, time.perf_counter() - start)
        words = sum(a.word_count for a in articles)
    return len(raws) / best, words


def measure(n_articles: int = 500) -> dict[str, Any]:
    """Articles/s of parse_document for text, HTML and JSON input, and of the dedup signature."""
    corpus = generate(n_articles, seed=11)
    text = [RawDocument(doc_id=d.doc_id, content=d.content) for d in corpus]
    results: dict[str, Any] = {"ingest_articles": n_articles}
    for name, raws in (
        ("text", text),
        ("html", [_as_html(d.doc_id, d.content) for d in corpus]),
        ("json", [_as_json(d.doc_id, d.content) for d in corpus]),
    ):
        rate, words = _rate(raws)
        results[f"parse_{name}_articles_per_s"] = round(rate)
        results[f"parse_{name}_words_per_s"] = round(rate * words / n_articles)
    articles = [parse_document(raw) for raw in text]
    start = time.perf_counter()
    for article in articles:
        signature(article)
        shingle_hashes(article)
    results["dedup_signature_articles_per_s"] = round(n_articles / (time.perf_counter() - start))
    return results


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
