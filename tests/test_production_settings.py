"""Production settings refuse to start without the secrets and hosts they must be given."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
COMPLETE_ENV = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example.org",
                "FIELD_ENCRYPTION_SALTS": "salt-2026", "PII_HASH_KEY": "y" * 40}


def start_production(**variables: str) -> subprocess.CompletedProcess[str]:
    """``django.setup()`` under config.settings.production, with nothing in the environment but ``variables``."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings.production", **variables}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def skip_if_dotenv_sets(variable: str) -> None:
    """base.py reads BASE_DIR/.env; a developer's .env that sets the variable would mask the check."""
    dotenv = BASE_DIR / ".env"
    if dotenv.exists() and any(line.strip().startswith(f"{variable}=") for line in dotenv.read_text().splitlines()):
        pytest.skip(f"{dotenv} sets {variable}")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_SALTS", "PII_HASH_KEY"])
def test_production_refuses_to_start_without(missing):
    skip_if_dotenv_sets(missing)
    variables = {k: v for k, v in COMPLETE_ENV.items() if k != missing}
    result = start_production(**variables)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_an_empty_allowed_hosts():
    result = start_production(**{**COMPLETE_ENV, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_both_are_set():
    result = start_production(**COMPLETE_ENV)
    assert result.returncode == 0, result.stderr


def test_production_passes_every_deployment_check():
    """``manage.py check --deploy``: HTTPS redirect, HSTS (subdomains, preload), secure cookies, X-Frame-Options,
    a strong SECRET_KEY, DEBUG off, and the checks of the apps (django-csp's among them), none silenced."""
    variables = {**COMPLETE_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings.production", **variables}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
