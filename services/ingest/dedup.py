"""Near-duplicate stories: MinHash LSH over content-word trigrams, indexed in Redis.

The similarity is the Jaccard index of two articles' sets of *content-word trigrams*: the body is
lower-cased, function words ("the", "of", "said"...) are dropped, words get a light suffix strip,
and every run of three consecutive remaining words is one shingle. A rewrite of a story by
another outlet keeps names, numbers and many short phrases ("pyongyang general hospital",
"halt strike ukrainian"), while a different story on the same topic shares only a few.
Calibrated on the seeds: the rewrite pair 000/001 scores 0.079, every other pair 0.005-0.014;
the threshold, 0.035, sits between them with a factor of more than two either side.

Finding candidates: a 64-value MinHash whose values are one-row LSH bands. Two articles share a
band with probability equal to their similarity, so a rewrite at 0.07 shares at least one of
64 bands with probability 0.99. Deciding: the exact Jaccard index of the stored shingle hashes
(a MinHash estimate is too noisy this close to zero: at 256 values its error is about 0.016).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
import zlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from schemas.documents import Article
from services.connect import AsyncRedis
from services.names import seen_hash_key, story_band_key, story_doc_key

log = logging.getLogger(__name__)

NUM_PERM = 64  # each MinHash value is one LSH band of one row
THRESHOLD = 0.035  # Jaccard index of content-word trigrams that makes the same story
MAX_CANDIDATES = 32  # scored per article, most shared bands first
BUSY_BAND = 500  # a band value this many articles share says nothing: skip it
_SEED = 20250319
_SCHEME = "affine32"

_STOPWORDS = frozenset(
    str.split(
        """a an the of to in on and or for with as by at from is are was were be been being has
    have had that this these those which who whom its it their his her he she they them we our
    you your than then but not no also into over after before about amid while said says say
    would could may might will can should during through between such more most other some any
    all each both only own same so very just there here what when where why how if because
    until against up down out off again further once under above below per via according"""
    )
)
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """Strip a plural or tense ending so 'strikes' and 'strike' meet; no more than that."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def shingles(text: str) -> set[str]:
    """Content-word trigrams of a text (single words when it is shorter than three)."""
    folded = text.lower().replace("’", "'").replace("'s ", " ")
    words = [_stem(w) for w in _TOKEN.findall(folded) if w not in _STOPWORDS]
    if len(words) < 3:
        return set(words)
    return {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)}


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The hash permutations, made once: building them is the slow part of a MinHash."""
    perms = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations
    return perms[0], perms[1]


def signature(article: Article) -> MinHash:
    """MinHash of the article body's content-word trigrams."""
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    minhash.update_batch([s.encode() for s in shingles(article.body)])
    return minhash


def shingle_hashes(article: Article) -> np.ndarray:
    """Sorted unique 32-bit hashes of the body's shingles: what is stored to score a match."""
    values = [zlib.crc32(s.encode()) for s in shingles(article.body)]
    return np.unique(np.array(values, dtype="<u4"))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard index of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


# Atomic registration: a content hash seen before means an exact repeat; otherwise the article
# joins its band buckets and gets back, per earlier article, how many bands it shares. One script,
# so two workers registering at once each see exactly the articles registered before them.
# Every key it gets shares the `{story}` hash tag (services/names.py), so it runs on a Cluster.
_REGISTER = """
local seen_key, doc_key = KEYS[1], KEYS[2]
local id, ttl, now, busy = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local token = ARGV[6]
if not redis.call('SET', seen_key, token, 'NX', 'EX', ttl) then
  local first = redis.call('GET', seen_key)
  if first == token then
    -- the same article redelivered (a worker died before acking): not a repeat
    return {-2, first}
  end
  return {-1, first}
end
local votes = {}
for i = 3, #KEYS do
  local band = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', band, '-inf', now - ttl)
  if redis.call('ZCARD', band) <= busy then
    for _, other in ipairs(redis.call('ZRANGE', band, 0, -1)) do
      votes[other] = (votes[other] or 0) + 1
    end
  end
  redis.call('ZADD', band, now, id)
  redis.call('EXPIRE', band, ttl)
end
redis.call('HSET', doc_key, 'shingles', ARGV[5], 'story', '')
redis.call('EXPIRE', doc_key, ttl)
local out = {0}
for other, n in pairs(votes) do
  table.insert(out, other)
  table.insert(out, n)
end
return out
"""


class StoryIndex:
    """Shared near-duplicate index in Redis: exact repeats dropped, rewrites linked to a story."""

    def __init__(
        self,
        redis: AsyncRedis,
        *,
        ttl_seconds: int = 30 * 86400,
        threshold: float = THRESHOLD,
    ) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.threshold = threshold
        self._register = redis.register_script(_REGISTER)

    async def link(self, article: Article, delivery: str | None = None) -> Article | None:
        """None for an exact repeat; else a copy with story_id (and duplicate_of when a rewrite).

        `delivery` names the input message (its stream entry id): the same article arriving
        again in the same message is a redelivery after a crash and is linked as before,
        while the same text in a new message is a repeat.
        """
        hashes = shingle_hashes(article)
        bands = [story_band_key(i, int(v)) for i, v in enumerate(signature(article).hashvalues)]
        keys = [seen_hash_key(article.content_hash), self._doc_key(article.article_id)]
        args: list[str | int | bytes] = [
            article.article_id,
            self.ttl_seconds,
            int(time.time()),
            BUSY_BAND,
            hashes.tobytes(),
            f"{article.article_id}|{delivery or uuid.uuid4().hex}",
        ]
        reply = await self._register(keys=keys + bands, args=args)
        if int(reply[0]) == -1:
            log.debug("exact repeat %s of %s", article.article_id, _text(reply[1]).split("|")[0])
            return None
        if int(reply[0]) == -2:
            return await self._relinked(article)
        votes = {_text(reply[i]): int(reply[i + 1]) for i in range(1, len(reply), 2)}
        votes.pop(article.article_id, None)
        best, score = await self._best_match(hashes, votes)
        story = article.article_id
        if best is not None:
            story = await self._story_of(best)
            log.info("%s tells story %s (%.3f like %s)", article.article_id, story, score, best)
        await self.redis.hset(
            self._doc_key(article.article_id), mapping={"story": story, "dup": best or ""}
        )
        return article.model_copy(update={"story_id": story, "duplicate_of": best})

    async def _relinked(self, article: Article) -> Article:
        """A redelivered article gets back the story it was linked to the first time."""
        story = await self._story_of(article.article_id)
        dup = await self.redis.hget(self._doc_key(article.article_id), "dup")
        dup_id = _text(dup) if dup else None
        return article.model_copy(update={"story_id": story, "duplicate_of": dup_id or None})

    async def _best_match(
        self, hashes: np.ndarray, votes: dict[str, int]
    ) -> tuple[str | None, float]:
        """The earlier article most like this one, if it passes the threshold."""
        ranked = sorted(votes, key=lambda other: -votes[other])[:MAX_CANDIDATES]
        if not ranked:
            return None, 0.0
        async with self.redis.pipeline(transaction=False) as pipe:
            for other in ranked:
                pipe.hget(self._doc_key(other), "shingles")
            stored = await pipe.execute()
        best, best_score = None, 0.0
        for other, raw in zip(ranked, stored, strict=True):
            if not raw:
                continue  # expired
            score = jaccard(hashes, np.frombuffer(raw, dtype="<u4"))
            if score >= self.threshold and score > best_score:
                best, best_score = other, score
        return best, best_score

    async def _story_of(self, other: str, wait_seconds: float = 2.0) -> str:
        """The story of an earlier article; waits briefly if its own link is still running."""
        deadline = time.monotonic() + wait_seconds
        while True:
            story = await self.redis.hget(self._doc_key(other), "story")
            if story:
                return _text(story)
            if time.monotonic() > deadline:
                return other  # its worker died mid-link: the earlier article starts the story
            await asyncio.sleep(0.02)

    @staticmethod
    def _doc_key(article_id: str) -> str:
        return story_doc_key(article_id)


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")
