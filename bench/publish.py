"""`python -m bench.publish URL STREAM FILE`: publish the entries in FILE (a JSON list of
FastStream wire-format bodies, as latin-1 strings) to STREAM in one pipeline, and print the
wall-clock time just before they were sent. The alert benchmark's publisher, run as a process
of its own so that neither consumer measured shares a process with it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import orjson
import redis

from services import wire


def main(url: str, stream: str, path: str) -> None:
    bodies = [b.encode("latin-1") for b in orjson.loads(Path(path).read_bytes())]
    client = redis.Redis.from_url(url)
    pipe = client.pipeline(transaction=False)
    for body in bodies:
        pipe.xadd(stream, {wire.DATA_FIELD: body})
    start = time.time()
    pipe.execute()
    print(start)


if __name__ == "__main__":
    main(*sys.argv[1:4])
