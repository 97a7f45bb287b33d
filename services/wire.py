"""Stream entries in FastStream's wire format, encoded and read without its per-message costs.

FastStream writes a message into a stream entry's `__data__` field as `BinaryMessageFormatV1`:
an 8-byte magic, a version (2 bytes), where the headers start and where the body starts
(4 bytes each), the headers as length-prefixed strings, then the body to the end. Its own
reader walks that in Python for every message and its batch parser then turns a read's bodies
into one JSON document and back; at thousands of events a second that was a large share of
the alert worker. These two functions do the same work with one `struct` call each.
`tests/test_wire.py` checks them byte for byte against FastStream's own encoder and parser, so
a change of format in a FastStream upgrade fails there, not in production.

Entries not in that format (a plain `XADD ... __data__ '{...}'` from redis-cli, or FastStream's
older JSON envelope) are handed to FastStream's parser, which knows them all.
"""

from __future__ import annotations

import struct

from faststream.redis.parser import BinaryMessageFormatV1

DATA_FIELD = b"__data__"  # the entry field FastStream keeps a message in
_MAGIC = BinaryMessageFormatV1.IDENTITY_HEADER
_VERSION = 1
_PREFIX = struct.Struct(f">{len(_MAGIC)}sHII")  # magic, version, headers start, body start
_SHORT = struct.Struct(">H")
_JSON = b"application/json"


def payload(wire: bytes) -> bytes:
    """The body of one entry's `__data__` (the message as its publisher sent it)."""
    if len(wire) >= _PREFIX.size:
        magic, version, _, body_start = _PREFIX.unpack_from(wire)
        if magic == _MAGIC and version == _VERSION and body_start <= len(wire):
            return wire[body_start:]
    return BinaryMessageFormatV1.parse(wire)[0]


def _string(value: bytes) -> bytes:
    return _SHORT.pack(len(value)) + value


def encode_json(body: bytes, correlation_id: str) -> bytes:
    """A JSON body as FastStream's publisher writes it, with `correlation_id` (headers:
    correlation_id, content-type). The id must be ASCII: FastStream writes a header's length
    in characters, so its reader would misread the bytes of any other id."""
    if not correlation_id.isascii():
        raise ValueError(f"correlation id must be ASCII: {correlation_id!r}")
    cid = correlation_id.encode()
    headers = b"".join(
        (_string(b"correlation_id"), _string(cid), _string(b"content-type"), _string(_JSON))
    )
    headers_start = _PREFIX.size
    body_start = headers_start + _SHORT.size + len(headers)
    prefix = _PREFIX.pack(_MAGIC, _VERSION, headers_start, body_start)
    return b"".join((prefix, _SHORT.pack(2), headers, body))
