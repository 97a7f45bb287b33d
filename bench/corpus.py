"""A reproducible corpus varied from the seeds, so dedup does not hide the work.

Each generated article takes a seed, shuffles its middle paragraphs, swaps person names for
others from a pool, changes numbers and years, and gets a fresh id: new content hash, same
shape of news. `generate(n, seed)` gives the same documents for the same arguments.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

# Person names the seeds use, and replacements (invented names, same shape).
_NAMES = {
    "Yun Jong-ho": ["Ri Chol-man", "Pak Song-il", "Kang Myong-su"],
    "Jon Sol-ryong": ["Han Kwang-sok", "Choe Yong-nam", "Kim Tae-hyon"],
    "Andrey Rudenko": ["Pavel Sorokin", "Igor Malenkov", "Oleg Dubrovin"],
    "Sergei Shoigu": ["Nikolai Vetrov", "Dmitri Arkhipov", "Yuri Beloborodov"],
    "Alexander Kozlov": ["Mikhail Zorin", "Anton Gribov", "Roman Ilyin"],
}
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_YEAR = re.compile(r"\b(2023|2024|2025)\b")


@dataclass(frozen=True)
class Document:
    doc_id: str
    content: str

    @property
    def words(self) -> int:
        return len(self.content.split())


def _vary(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    head, middle, tail = lines[:3], lines[3:-2], lines[-2:]
    rng.shuffle(middle)
    out = "\n".join(head + middle + tail)
    for name, pool in _NAMES.items():
        out = out.replace(name, rng.choice(pool))
    out = _NUMBER.sub(lambda m: f"{rng.randint(1, 30) * 500:,}", out)
    return _YEAR.sub(lambda m: str(int(m.group(1)) + rng.randint(-1, 1)), out)


def generate(n: int, seed: int = 7) -> list[Document]:
    """`n` documents varied from the seeds, reproducible for the same `seed`."""
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    return [Document(f"bench-{seed}-{i:05d}", _vary(seeds[i % len(seeds)], rng)) for i in range(n)]
