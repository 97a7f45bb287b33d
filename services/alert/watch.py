"""Hot reload of the rules file: poll its mtime and hash; a bad new file keeps the old rules."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from schemas.alerts import RuleFile
from services.alert.rules import RulesError, parse_rules

log = logging.getLogger(__name__)


class RulesReloader:
    """Watches one rules file; `failures` counts bad versions (each bad content once)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.failures = 0
        self.last_error: str | None = None
        self.rules: RuleFile | None = None
        self._stamp: tuple[int, int] | None = None
        self._digest: str | None = None
        self._bad_digest: str | None = None

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def load(self) -> RuleFile:
        """Load the file now (at startup); raise `RulesError` if it is bad."""
        stamp = self._stat()
        data = self._read()
        rules = parse_rules(data.decode("utf-8", "replace"), self.path)
        self._accept(rules, stamp, hashlib.sha256(data).hexdigest())
        return rules

    def maybe_reload(self) -> RuleFile | None:
        """New rules if the file changed and is good; None if unchanged or bad (old rules stay)."""
        stamp = self._stat()
        if stamp == self._stamp:
            return None
        try:
            data = self._read()
        except RulesError as exc:
            self._fail(None, exc)
            self._stamp = stamp
            return None
        digest = hashlib.sha256(data).hexdigest()
        # Touching a file or rewriting the same content changes the mtime, not the rules.
        if digest == self._digest or digest == self._bad_digest:
            self._stamp = stamp
            return None
        try:
            rules = parse_rules(data.decode("utf-8", "replace"), self.path)
        except RulesError as exc:
            self._fail(digest, exc)
            self._stamp = stamp
            return None
        self._accept(rules, stamp, digest)
        log.info("reloaded %d rules from %s", len(rules.rules), self.path)
        return rules

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise RulesError(self.path, [f"cannot read: {exc}"]) from exc

    def _accept(self, rules: RuleFile, stamp: tuple[int, int] | None, digest: str) -> None:
        self.rules, self._stamp, self._digest = rules, stamp, digest
        self._bad_digest = None
        self.last_error = None

    def _fail(self, digest: str | None, exc: RulesError) -> None:
        self.failures += 1
        self._bad_digest = digest
        self.last_error = str(exc)
        log.error("rules reload failed, keeping the old rules: %s", exc)
