"""Raw documents as they arrive and the clean Article the ingest stage makes of them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RawFormat = Literal["text", "html", "json"]


class RawDocument(BaseModel):
    """One entry of the raw stream: a scraped page, an HTML page or a JSON feed envelope."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(min_length=1, max_length=200, description="becomes the article_id")
    format: RawFormat = "text"
    content: str = Field(description="the file's text: plain text, HTML or a JSON envelope")
    source_path: str | None = None


class Envelope(BaseModel):
    """The JSON envelope a feed sends (EVENTS.md, "Raw documents"); its fields win over guesses."""

    model_config = ConfigDict(extra="ignore")

    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    text: str | None = None
    html: str | None = None


class Paragraph(BaseModel):
    """A paragraph of the article body with its character offsets in `Article.body`."""

    start: int
    end: int


class Article(BaseModel):
    """A cleaned article: the unit the extractor reads and events point back into."""

    article_id: str
    title: str | None = None
    body: str
    paragraphs: list[Paragraph] = Field(default_factory=list)
    captions: list[str] = Field(
        default_factory=list, description="photo captions, kept out of body"
    )
    published_at: datetime | None = None
    received_at: datetime
    authors: list[str] = Field(default_factory=list)
    source: str | None = None
    url: str | None = None
    language: str = "en"
    word_count: int = 0
    content_hash: str
    story_id: str | None = None
    duplicate_of: str | None = None
