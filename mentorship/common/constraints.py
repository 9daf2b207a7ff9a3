"""Length caps as database constraints, so text written around the forms is refused too.

Django's TextField max_length only shapes form fields, and SQLite ignores VARCHAR lengths altogether, so the
caps people see in forms are repeated here as one CHECK per model.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


def texts_capped(name: str, **caps: int) -> models.CheckConstraint:
    """One CHECK that each named text column holds at most its number of characters."""
    condition = models.Q()
    for field, cap in sorted(caps.items()):
        condition &= models.Q(LessThanOrEqual(Length(field), cap))
    return models.CheckConstraint(condition=condition, name=name)
