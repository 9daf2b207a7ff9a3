"""The profile page's link to notification preferences (registered in accounts.plugins.profile_panels)."""

from __future__ import annotations

from typing import Any

from mentorship.accounts.models import User


def profile_panel(*, user: User) -> dict[str, Any]:
    return {"template": "notifications/_profile_panel.html"}
