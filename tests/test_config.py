"""Start-up configuration: bad values stop the app with one clear line naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from mentorship import config

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))}
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "mentor.example.com",
}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"OIDC_CLIENT_ID": "abc"}, "OIDC_SERVER_URL"),
        ({"OIDC_SERVER_URL": "https://id.example.com"}, "OIDC_CLIENT_ID"),
    ],
)
def test_bad_configuration_stops_with_one_line(env: dict[str, str], variable: str) -> None:
    result = run_manage("check", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_start() -> None:
    result = run_manage("check")
    assert result.returncode == 0, result.stderr


def test_env_bool_reads_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("yes", True), ("off", False), ("FALSE", False), ("", True)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert config.env_bool("X_FLAG", default=True) is expected


def test_env_int_rejects_text_and_small_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(config.ConfigError, match="X_NUM"):
        config.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(config.ConfigError, match="at least 1"):
        config.env_int("X_NUM", 1, minimum=1)


def test_database_url_selects_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db.internal:5432/mentorship")
    database = config.database_from_env("sqlite:///x.db")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "mentorship"
    assert database["HOST"] == "db.internal"


def test_sqlite_writers_wait_for_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = config.database_from_env("sqlite:///x.db")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    assert database["CONN_MAX_AGE"] == 0


def test_email_url_file_keeps_absolute_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_URL", "file:///srv/mentorship/mail")
    email = config.email_from_env("console://")
    assert email["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert email["EMAIL_FILE_PATH"] == "/srv/mentorship/mail"
