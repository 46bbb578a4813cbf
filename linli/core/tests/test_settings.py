"""The one settings module reads its configuration from the environment (README, Configuration)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from config.env import env_bool, env_int, env_list

PROBE = """
import json
import config.settings as s
names = json.loads(input())
print(json.dumps({name: getattr(s, name) for name in names}, default=str))
"""


def load_settings(tmp_path, *names: str, **env: str) -> dict:
    """Chosen settings as a fresh process computes them from `env` (and nothing else LINLI_*)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LINLI_") and key != "DATABASE_URL"
    }
    environment.update({"LINLI_SECRET_KEY": "k" * 50, "LINLI_VAR_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=json.dumps(names),
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_https_flag_turns_on_every_transport_protection(tmp_path):
    names = (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
    )

    on = load_settings(tmp_path, *names, LINLI_HTTPS="1")
    off = load_settings(tmp_path, *names)

    assert on == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert off == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_default_database_is_a_sqlite_file_with_wal_and_immediate_transactions(tmp_path):
    loaded = load_settings(tmp_path, "DATABASES", "HUEY", LINLI_TEST_DB_TAG="_x")
    database = loaded["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "linli.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL;" in database["OPTIONS"]["init_command"]
    assert "PRAGMA synchronous=FULL;" in database["OPTIONS"]["init_command"]
    assert database["TEST"]["NAME"] == str(tmp_path / "test_linli_x.sqlite3")
    assert loaded["HUEY"]["huey_class"] == "huey.SqliteHuey"
    assert loaded["HUEY"]["filename"] == str(tmp_path / "huey.sqlite3")


def test_database_url_selects_postgresql_and_a_postgresql_task_queue(tmp_path):
    loaded = load_settings(
        tmp_path,
        "DATABASES",
        "HUEY",
        DATABASE_URL="postgres://linli:pw@db.internal:5433/linli_prod",
    )
    database = loaded["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5433,
        "linli_prod",
    )
    assert loaded["HUEY"]["huey_class"] == "huey.PostgresHuey"
    assert loaded["HUEY"]["connection"] == {
        "host": "db.internal",
        "port": 5433,
        "user": "linli",
        "password": "pw",
        "dbname": "linli_prod",
    }


def test_tasks_immediate_runs_tasks_in_process_even_on_postgresql(tmp_path):
    loaded = load_settings(
        tmp_path, "HUEY", DATABASE_URL="postgres://linli@db/linli", LINLI_TASKS_IMMEDIATE="1"
    )

    assert loaded["HUEY"]["huey_class"] == "huey.SqliteHuey"
    assert loaded["HUEY"]["immediate"] is True


def test_secret_key_hosts_and_debug_come_from_the_environment(tmp_path):
    loaded = load_settings(
        tmp_path,
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        LINLI_SECRET_KEY="s" * 60,
        LINLI_ALLOWED_HOSTS="linli.example.cn, www.linli.example.cn",
        LINLI_DEBUG="1",
    )

    assert loaded == {
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": ["linli.example.cn", "www.linli.example.cn"],
        "DEBUG": True,
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("no", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("LINLI_PROBE", raw)

    assert env_bool("LINLI_PROBE", not expected) is expected


def test_env_helpers_fall_back_to_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("LINLI_PROBE", raising=False)

    assert env_bool("LINLI_PROBE", True) is True
    assert env_int("LINLI_PROBE", 7) == 7
    assert env_list("LINLI_PROBE", ["a"]) == ["a"]


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("LINLI_PROBE", "a, b,,c ")

    assert env_list("LINLI_PROBE", []) == ["a", "b", "c"]


@pytest.mark.django_db
def test_database_durability_settings_are_in_effect():
    # Money and votes must survive a crash (reliability battery B2-3).
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            found = {}
            for pragma in ("journal_mode", "synchronous", "foreign_keys"):
                cursor.execute(f"PRAGMA {pragma}")
                found[pragma] = cursor.fetchone()[0]
            assert found == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
        else:
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            synchronous_commit = cursor.fetchone()[0]
            assert (fsync, synchronous_commit) == ("on", "on")


def test_production_hashes_passwords_with_argon2_first():
    """Tests swap in a fast hasher (conftest.py); the settings module itself puts Argon2 first."""
    import importlib

    import config.settings as production

    importlib.reload(production)
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_tasks_run_through_huey_enqueued_on_commit():
    import importlib

    import config.settings as production

    importlib.reload(production)
    assert production.TASKS["default"] == {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        "OPTIONS": {"enqueue_on_commit": True},
    }
