"""Production settings: a real secret or no start, HTTPS settable, `check --deploy` clean,
and each log line written once."""

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env):
    # Not the test run's own settings; nor DJANGO_ALLOW_ASYNC_UNSAFE, which the browser
    # journeys set in this process when they ran first on the same worker.
    skip = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def compose_environment() -> dict[str, str]:
    """The web service's environment in docker-compose.yml, with its `${VAR:-default}`s."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["web"]["environment"]
    return {
        name: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))
        for name, value in environment.items()
        if "${SECRET_KEY" not in str(value)
    }


@pytest.mark.parametrize("secret", [None, "change-me-to-a-long-random-string"])
def test_with_debug_off_it_refuses_to_start_without_a_real_secret(secret):
    """Regression: with DEBUG=false the app started with the built-in SECRET_KEY."""
    result = manage("check", env={"DEBUG": "false", **({"SECRET_KEY": secret} if secret else {})})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_docker_compose_demands_a_secret_and_trusts_its_one_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert web["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    # Published on loopback only: the proxy is the one way in, so its header is the truth.
    assert all(str(port).startswith("127.0.0.1:") for port in web["ports"])


def test_check_deploy_is_clean_under_the_production_environment():
    env = {**compose_environment(), "SECRET_KEY": secrets.token_urlsafe(50)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_https_settings_come_from_the_environment():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_HSTS_SECONDS": "600",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, env=env)
    printed = result.stdout.strip().splitlines()[-1]  # after the shell's own notice
    assert printed == "600 True ('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


def test_a_refused_request_is_logged_once(monkeypatch):
    """Regression: `Forbidden:` and `Conflict:` lines were logged twice (DEBUG on)."""
    monkeypatch.setattr(settings, "DEBUG", True)  # Django's own handler speaks only then
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Conflict: /", (), None)
    writers, logger = [], logging.getLogger("django.request")
    while logger is not None:
        writers += [
            h
            for h in logger.handlers
            if type(h).__module__.split(".")[0] != "_pytest" and h.filter(record)
        ]
        logger = logger.parent if logger.propagate else None
    assert len(writers) == 1
