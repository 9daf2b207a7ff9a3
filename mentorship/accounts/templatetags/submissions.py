"""``{% submission_token %}``: the hidden single-use token for a form written out by hand in a template."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from mentorship.accounts.page_parts import RENDERING_FOR_CACHE, hole
from mentorship.accounts.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context: dict[str, Any]) -> str:
    # A part kept in the cache gets a hole here, filled with a new token each time it is served.
    token = hole("submission") if context.get(RENDERING_FOR_CACHE) else new_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
