"""A small typed registry: a lower app owns one, higher apps fill it in their ``AppConfig.ready()``.

This is how a page of a lower app shows something of a higher one (a meetings panel on the relationship
page) without the lower app importing the higher: imports keep flowing down, and go-to-definition still
leads from the registration to the function.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Items by a short stable key, in the order they were registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        known = self._items.get(key)
        if known is not None and known is not item:
            raise ValueError(f"{self.name}: {key!r} is registered already")
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        """Take an item out again (tests that plug in a stand-in use it to clean up)."""
        self._items.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def keys(self) -> list[str]:
        return list(self._items)
