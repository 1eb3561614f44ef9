"""Schemathesis over every operation of the committed contract, as anonymous, counter staff
and a citizen: no server error, and every answer as the schema says.

Every check runs, but `positive_data_acceptance` only on reads: it wants any schema-valid
body accepted, while a write rightly answers 400 to well-formed input that names an unknown
procedure or officer, or to a wrong password. A bounded run here (FUZZ_EXAMPLES per operation and
caller, 5 by default); `make fuzz` runs more.
"""

import os
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))

schema = schemathesis.openapi.from_path(str(ROOT / "openapi.yaml"))
schema.app = WSGIHandler()
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "counter", "citizen"])
def test_every_operation_answers_as_the_contract_says(
    who, staff, file_case, settings_, one_connection
):
    filed = file_case()  # something to find: half the examples aim at it
    headers = {}
    if who:
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=staff[who])[0].key}"
    failures = []
    for operation in OPERATIONS:
        writes = operation.method.upper() == "POST"

        @given(case=operation.as_strategy(), aim=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case, aim):
            if aim and "code" in (case.path_parameters or {}):
                case.path_parameters["code"] = filed.code
            excluded = [positive_data_acceptance] if writes else []  # noqa: B023 (run at once)
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        try:
            run()
        except Exception as failure:  # collect them all, then report
            failures.append(f"{operation.label}: {failure}")
    assert failures == [], "\n\n".join(failures)


@pytest.fixture
def settings_(settings):
    settings.ALLOWED_HOSTS = ["*"]
    return settings


@pytest.fixture
def one_connection():
    """Requests keep the test's connection (and so its transaction), as Django's test client
    does: the handler would close it after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
