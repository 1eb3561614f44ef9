"""The deployment files point at things that exist: compose services, commands, modules.

No database needed: these read docker-compose.yml, the Dockerfile, the Makefile and .ci/run.
"""

import importlib
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"db", "redis", "web", "worker", "beat"}
APP_SERVICES = ["web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def commands_of(service: dict) -> list[list[str]]:
    """A service's command as argv lists; `sh -c "a && b"` gives [a, b]."""
    command = service.get("command")
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in re.split(r"&&|;", argv[2])]
    return [argv]


def all_commands(compose: dict) -> list[list[str]]:
    return [
        [word for word in argv if word != "exec"]
        for name in APP_SERVICES
        for argv in commands_of(compose["services"][name])
    ]


def test_compose_has_the_five_services(compose):
    assert SERVICES <= set(compose["services"])


@pytest.mark.parametrize("name", ["db", "redis"])
def test_backing_services_have_healthchecks(compose, name):
    healthcheck = compose["services"][name].get("healthcheck")
    assert healthcheck and healthcheck.get("test"), f"{name} needs a healthcheck"


def test_database_persists_in_a_volume(compose):
    volumes = compose["services"]["db"]["volumes"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in volumes)
    assert set(compose["volumes"]) >= {v.split(":")[0] for v in volumes}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_from_the_dockerfile(compose, name):
    service = compose["services"][name]
    build = service["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).is_file()


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(compose, name):
    depends_on = compose["services"][name]["depends_on"]
    for backing in ("db", "redis"):
        assert depends_on[backing]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production_mode(compose, name):
    environment = compose["services"][name]["environment"]
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(environment)
    assert str(environment["DEBUG"]).lower() == "false"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"].startswith("redis://")


def test_web_migrates_then_serves_with_gunicorn(compose):
    steps = [[w for w in argv if w != "exec"] for argv in commands_of(compose["services"]["web"])]
    assert steps[0][:3] == ["python", "manage.py", "migrate"]
    assert steps[-1][0] == "gunicorn"


def test_gunicorn_targets_are_importable(compose):
    targets = [
        word
        for argv in all_commands(compose)
        if argv and argv[0] == "gunicorn"
        for word in argv[1:]
        if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", word)
    ]
    targets.append(_dockerfile_cmd()[1])
    assert "onestop.wsgi:application" in targets
    for target in targets:
        module, attribute = target.split(":")
        assert callable(getattr(importlib.import_module(module), attribute)), target


def test_celery_commands_resolve_to_the_onestop_app(compose):
    from onestop.celery import app

    celery_argvs = [argv for argv in all_commands(compose) if argv and argv[0] == "celery"]
    assert {argv[argv.index("-A") + 2] for argv in celery_argvs} == {"worker", "beat"}
    for argv in celery_argvs:
        assert find_app(argv[argv.index("-A") + 1]) is app
        assert argv[argv.index("-A") + 2] in celery_cli.commands


def _manage_py_subcommands(text: str) -> set[str]:
    return set(re.findall(r"manage\.py\s+([a-z_]+)", text))


def test_manage_py_subcommands_exist():
    used = set()
    for name in ("docker-compose.yml", "Dockerfile", "Makefile"):
        used |= _manage_py_subcommands((ROOT / name).read_text())
    assert {"migrate", "collectstatic", "serve", "makemigrations"} <= used
    missing = used - set(get_commands())
    assert not missing, f"unknown manage.py commands: {missing}"


def _dockerfile_cmd() -> list[str]:
    match = re.search(r"^CMD\s+(\[.*\])\s*$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert match, "the Dockerfile needs an exec-form CMD"
    return yaml.safe_load(match.group(1))


def test_dockerfile_installs_the_lock_and_drops_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11", dockerfile, re.MULTILINE)
    assert "-c requirements.lock" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert _dockerfile_cmd()[0] == "gunicorn"


def test_lock_pins_every_package():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    unpinned = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==\S+", line)]
    assert not unpinned, f"not pinned exactly: {unpinned}"
    names = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    assert "onestop" not in names
    assert {"django", "celery", "psycopg", "pytest", "gunicorn"} <= names


def _make_recipe(target: str) -> str:
    """The recipe lines of a Makefile target (target-specific variable lines excluded)."""
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{target}:(?![^\n]*=)[^\n]*\n((?:\t[^\n]*\n)+)", text, re.MULTILINE)
    assert match, f"no `{target}` recipe in the Makefile"
    return match.group(1)


def test_ci_runs_the_one_test_command():
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    lines = [line.strip() for line in ci.read_text().splitlines()]
    assert lines[0].startswith("#!") and "bash" in lines[0]
    assert "exec make test" in lines


def test_make_test_checks_the_services_then_runs_pytest():
    recipe = _make_recipe("test")
    check = recipe.index("services_up.py")
    assert (ROOT / "tests" / "services_up.py").is_file()
    assert check < recipe.index("makemigrations --check") < recipe.index("pytest")


def test_make_run_serves():
    assert "manage.py serve" in _make_recipe("run")
