"""The AsyncAPI documents in docs/asyncapi are what FastStream generates from the code now."""

from __future__ import annotations

from pathlib import Path

import yaml

from services import names
from services.cli import asyncapi_documents
from services.settings import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "asyncapi"


def test_shipped_documents_are_current() -> None:
    for stage, text in asyncapi_documents(Settings()).items():
        shipped = (DOCS / f"{stage}.yaml").read_text("utf-8")
        assert yaml.safe_load(shipped) == yaml.safe_load(text), f"run `make asyncapi` ({stage})"


def test_every_stream_appears_in_the_documents() -> None:
    addresses = {
        channel["address"]
        for text in asyncapi_documents(Settings()).values()
        for channel in yaml.safe_load(text)["channels"].values()
    }
    for stream in (names.RAW_STREAM, names.ARTICLES_STREAM, names.EVENTS_STREAM):
        assert stream in addresses
    assert names.ALERTS_STREAM in addresses
