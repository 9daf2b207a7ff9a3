"""Where higher apps plug into relationships: sections of the relationship page, and the "closed" signal.

Relationships imports none of the apps above it; meetings registers its section of the page in its
``AppConfig.ready()`` and listens to ``relationship_closed`` to stop what it planned for the pair.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

from mentorship.common.registry import Registry

# A section of the relationship page: called with relationship=, side= and viewer=, answers
# {"template": ..., **what the template shows}.
RelationshipPanel = Callable[..., dict[str, Any]]
relationship_panels: Registry[RelationshipPanel] = Registry("relationship panels")

# Sent (sender=Relationship, relationship=...) inside the transaction that ends or completes a relationship,
# so what a receiver changes commits or rolls back with it.
relationship_closed = Signal()
