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
    # Not the test run's own settings (nor the pooler's switches of `make test-pgbouncer`: the
    # defaults are under test); nor DJANGO_ALLOW_ASYNC_UNSAFE, which the browser journeys set
    # in this process when they ran first on the same worker.
    skip = (
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "PREPARE_THRESHOLD",
        "DISABLE_SERVER_SIDE_CURSORS",
    )
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
    """The web service's environment in docker-compose.yml, with its `${VAR:-default}`s and
    a long random value for each secret it demands (`${VAR:?message}`)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["web"]["environment"]
    return {
        name: secrets.token_urlsafe(50)
        if re.match(r"\$\{\w+:\?", str(value))
        else re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))
        for name, value in environment.items()
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
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=compose_environment())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "setting, error",
    [
        ({"PAYGOV_SECRET": "onestop-paygov-simulator-secret"}, "onestop.E001"),
        ({"SIGNING_PKCS12_PASSPHRASE": "onestop-dev"}, "onestop.E001"),
        ({"ZALO_WEBHOOK_SECRET": "simulator-oa-secret"}, "onestop.E001"),
        ({"PAYGOV_SIMULATOR": "true"}, "onestop.E002"),
        ({"NATIONAL_ID_SIMULATOR": "true"}, "onestop.E002"),
        ({"DVCQG_SIMULATOR": "true"}, "onestop.E002"),
        ({"MESSAGING_SIMULATORS": "true"}, "onestop.E002"),
        ({"PAYGOV_URL": "https://paygov.example.gov.vn/api"}, "onestop.E003"),
        ({"SIGNING_PKCS12_PASSPHRASE": ""}, "onestop.E004"),
    ],
)
def test_check_deploy_fails_with_a_published_secret_or_a_simulator(setting, error):
    """Regression: with DEBUG off the simulator's PayGov secret, published in the repository,
    verified callbacks, and `check --deploy` said nothing."""
    result = manage("check", "--deploy", env={**compose_environment(), **setting})
    assert result.returncode != 0
    assert error in result.stderr + result.stdout


def test_with_debug_off_the_published_secrets_are_no_defaults():
    env = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
    code = "from django.conf import settings as s; print(repr(s.PAYGOV_SECRET))"
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "''", result.stderr
    assert manage("check", env=env).returncode == 0  # the start-up checks pass unset too


def test_the_web_container_runs_the_start_up_checks_before_it_serves():
    """`migrate` runs the checks: a published secret or a simulator stops the start."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    assert command.index("manage.py migrate") < command.index("gunicorn")
    assert "--skip-checks" not in command


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
