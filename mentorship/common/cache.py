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


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _no_keys(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return {}


def _none_missing(*args: Any, **kwargs: Any) -> list[str]:
    return []


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _true(*args: Any, **kwargs: Any) -> bool:
    return True


def _first_count(key: str, delta: int = 1, version: int | None = None) -> int:
    # A counter that cannot be read counts from nothing (an audit throttle lets the entry through).
    return delta


class ResilientRedisCache(RedisCache):
    get = _or(_default)(RedisCache.get)
    get_many = _or(_no_keys)(RedisCache.get_many)
    has_key = _or(_false)(RedisCache.has_key)
    set = _or(_nothing)(RedisCache.set)
    set_many = _or(_none_missing)(RedisCache.set_many)
    # Reported as added: allauth takes its rate-limit lock with add, and would otherwise wait for a lock nobody
    # holds and then refuse the sign-in. With Redis away every caller "wins"; nothing here relies on it for more.
    add = _or(_true)(RedisCache.add)
    incr = _or(_first_count)(RedisCache.incr)
    touch = _or(_false)(RedisCache.touch)
    delete = _or(_false)(RedisCache.delete)
    delete_many = _or(_nothing)(RedisCache.delete_many)
    clear = _or(_nothing)(RedisCache.clear)
