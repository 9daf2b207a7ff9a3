"""``{% submission_token %}``: the hidden single-use token for a form written out by hand in a template."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from mentorship.accounts.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
