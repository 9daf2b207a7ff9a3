from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {"nav_is_program_admin": bool(user is not None and user.is_authenticated and user.is_program_admin)}
