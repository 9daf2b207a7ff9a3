"""Django's Redis cache, answering "not cached" instead of failing while Redis cannot be reached.

Every page reads the cache: the bell's version, the cached bodies of the home and relationship pages, allauth's
sign-in rate limits. Without this, a Redis restart would show error pages everywhere. While Redis is away, reads
miss and writes are dropped, so pages are rendered afresh (slower, still right: nothing is kept that was not
written). Sign-in rate limits do not count during the outage; passwords and second factors still apply. Every
failure is logged, so the outage is seen.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The cache method, or ``fallback`` (called with the same arguments) when Redis does not answer."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def tolerant(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                logger.warning("The Redis cache did not answer %s: %s", method.__name__, exc)
                return fallback(*args, **kwargs)

        return tolerant

    return wrap


def _returning(value: Any) -> Callable[..., Any]:
    return lambda *args, **kwargs: value


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _first_count(key: str, delta: int = 1, version: int | None = None) -> int:
    # A counter that cannot be read counts from nothing (an audit throttle lets the entry through).
    return delta


class ResilientRedisCache(RedisCache):
    get = _or(_default)(RedisCache.get)
    # A fresh dict or list each time: the caller may fill it in.
    get_many = _or(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _or(_returning(False))(RedisCache.has_key)
    set = _or(_returning(None))(RedisCache.set)
    set_many = _or(lambda *args, **kwargs: [])(RedisCache.set_many)
    # Reported as added: allauth takes its rate-limit lock with add, and would otherwise wait for a lock nobody
    # holds and then refuse the sign-in. With Redis away every caller "wins"; nothing here relies on it for more.
    add = _or(_returning(True))(RedisCache.add)
    incr = _or(_first_count)(RedisCache.incr)
    touch = _or(_returning(False))(RedisCache.touch)
    delete = _or(_returning(False))(RedisCache.delete)
    delete_many = _or(_returning(None))(RedisCache.delete_many)
    clear = _or(_returning(None))(RedisCache.clear)
