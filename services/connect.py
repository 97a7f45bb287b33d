"""Redis clients and the FastStream broker, built in one place: one server or a Redis Cluster.

With `EVENTWATCH_REDIS_CLUSTER=true` the URL names any one node of a Redis Cluster (the others
are discovered from it; database 0 only) and every client here is its cluster flavour:
`redis.RedisCluster` for the CLI, `redis.asyncio.RedisCluster` for a worker's own commands and
Lua scripts, FastStream's `RedisClusterBroker` for its stream readers and publishers. Callers
see one type either way (`SyncRedis`, `AsyncRedis`); what differs on a cluster is spelled out
where it matters:

- a script or transaction may only touch keys of one hash slot: services/names.py gives the
  keys used together one hash tag;
- a pipeline is split per node and cannot carry PUBLISH (the alert worker publishes from a
  script, services/runtime.py `fan_out`);
- pub/sub (not sharded) is cluster-wide: a PUBLISH on any node reaches subscribers on every
  node, so a subscriber may listen on whichever node redis-py picks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import redis
import redis.asyncio as aioredis

if TYPE_CHECKING:
    from faststream.redis import RedisBroker

SyncRedis: TypeAlias = "redis.Redis | redis.RedisCluster"
AsyncRedis: TypeAlias = "aioredis.Redis | aioredis.RedisCluster"

# What a cluster client raises when it cannot find or use the cluster (no node reachable, the
# node is not in cluster mode, slots not covered), besides the usual connection errors.
CLUSTER_ERRORS = (redis.exceptions.RedisClusterException, redis.exceptions.ClusterError)


# A plain client on a cluster node works until a key lives on another node (MOVED): say so
# at startup instead. (A cluster client on a plain server refuses to start by itself.)
NOT_CLUSTER_AWARE = (
    "redis is a node of a Redis Cluster: set EVENTWATCH_REDIS_CLUSTER=true to use the cluster"
)


def is_cluster_node(info: dict[str, Any]) -> bool:
    """Whether `INFO cluster` (as redis-py parses it) comes from a node in cluster mode."""
    return bool(info.get("cluster_enabled"))


def sync_client(url: str, *, cluster: bool = False, **options: Any) -> SyncRedis:
    """A blocking client (the CLI's): one server, or the cluster that `url`'s node belongs to."""
    if cluster:
        return redis.RedisCluster.from_url(url, **options)
    return redis.Redis.from_url(url, **options)


def async_client(url: str, *, cluster: bool = False, **options: Any) -> AsyncRedis:
    """An asyncio client (a worker's): one server, or the cluster that `url`'s node belongs to."""
    if cluster:
        return aioredis.RedisCluster.from_url(url, **options)
    return aioredis.Redis.from_url(url, **options)


def broker(url: str, *, cluster: bool = False, **options: Any) -> RedisBroker:
    """FastStream's broker for `url`: `RedisClusterBroker` on a cluster (same subscribers,
    StreamSub options and publishers; it drops the connection options a cluster refuses,
    such as the database, and seeds its node discovery with the URL's host and port)."""
    from faststream.redis import RedisBroker, RedisClusterBroker

    if cluster:
        return RedisClusterBroker(url, **options)
    return RedisBroker(url, **options)


async def per_slot_group(
    groups: Sequence[str], run: Callable[[list[int]], Awaitable[list[Any]]]
) -> list[Any]:
    """Answers for items 0..n-1 whose keys must stay on one slot: the items of each group
    (e.g. a hash tag) go to `run` together, in order, and the groups run concurrently; what
    a script does on a cluster, where one call may only touch one slot."""
    answers: list[Any] = [None] * len(groups)
    by_group: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        by_group.setdefault(group, []).append(i)

    async def one(indices: list[int]) -> None:
        for i, answer in zip(indices, await run(indices), strict=True):
            answers[i] = answer

    await asyncio.gather(*(one(indices) for indices in by_group.values()))
    return answers
