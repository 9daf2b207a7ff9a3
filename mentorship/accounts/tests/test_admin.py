from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_model_is_registered_in_the_admin() -> None:
    from django.apps import apps

    ours = {"accounts", "notifications", "programs", "relationships", "meetings"}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ours and model not in admin.site._registry
    ]
    assert missing == []


def test_admin_lists_and_searches_load(client: Client, make_user) -> None:
    root = make_user(email="root@example.com")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    for model in admin.site._registry:
        if model._meta.app_label not in {"accounts", "notifications", "programs", "relationships", "meetings"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "x"}).status_code == 200, url
