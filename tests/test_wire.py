"""services/wire.py against FastStream's own encoder and parser, byte for byte."""

from __future__ import annotations

import orjson
import pytest
from faststream.redis.parser import BinaryMessageFormatV1

from services import wire

BODIES = [
    b"{}",
    orjson.dumps({"type": "troop_deployment", "origin": "PRK", "troops_min": 1000}),
    orjson.dumps({"sentence": "Сергей Шойгу прибыл в Пхеньян — «визит»", "n": [1, 2.5, None]}),
    b"x" * 70_000,  # past a 16-bit length: only the headers carry short lengths
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("correlation_id", ["a1b2c3", "", "3f9a0c7e12d4b5a6e7f8"])
async def test_encode_json_is_what_faststream_writes(body: bytes, correlation_id: str) -> None:
    theirs = await BinaryMessageFormatV1.encode(
        message=body,
        reply_to=None,
        headers={"content-type": "application/json"},
        correlation_id=correlation_id,
    )
    assert wire.encode_json(body, correlation_id) == theirs
    data, headers = BinaryMessageFormatV1.parse(wire.encode_json(body, correlation_id))
    assert data == body
    assert headers == {"correlation_id": correlation_id, "content-type": "application/json"}


@pytest.mark.parametrize("body", BODIES)
async def test_payload_reads_faststream_entries_with_any_headers(body: bytes) -> None:
    entry = await BinaryMessageFormatV1.encode(
        message=body,
        reply_to="somewhere",
        headers={"content-type": "application/json", "x-trace": "t" * 300},
        correlation_id="c",
    )
    assert wire.payload(entry) == body == BinaryMessageFormatV1.parse(entry)[0]


@pytest.mark.parametrize(
    "entry",
    [
        b'{"type": "meeting"}',  # plain JSON, e.g. from redis-cli XADD
        orjson.dumps({"data": '{"n": 1}', "headers": {"content-type": "application/json"}}),
        b"not json at all",
        b"",
        BinaryMessageFormatV1.IDENTITY_HEADER + b"\x00\x01\x00",  # cut short
    ],
)
def test_payload_of_other_entries_is_what_faststream_makes_of_them(entry: bytes) -> None:
    assert wire.payload(entry) == BinaryMessageFormatV1.parse(entry)[0]


def test_an_id_beyond_ascii_is_refused() -> None:
    # FastStream writes a header's length in characters, so its reader would misread it.
    with pytest.raises(ValueError, match="ASCII"):
        wire.encode_json(b"{}", "ключ")
