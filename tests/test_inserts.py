"""How inserts reach PostgreSQL (onestop/postgresql): a few rows, or rows with a JSON column,
as a VALUES list; many plain rows as UNNEST arrays, as Django writes them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseDocument
from dvcqg.models import Message, Service
from onestop.postgresql.compiler import UNNEST_FROM_ROWS

from .conftest import FRIDAY_9AM

pytestmark = pytest.mark.django_db


def insert_sql(model, rows) -> str:
    with CaptureQueriesContext(connection) as queries:
        model.objects.bulk_create(rows)
    [insert] = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    return insert


def test_a_steps_few_rows_go_as_values_and_a_batch_as_unnest(file_case):
    case = file_case(FRIDAY_9AM)

    def documents(count):
        return [CaseDocument(case=case, name=f"Giấy tờ {i}") for i in range(count)]

    assert "UNNEST" not in insert_sql(CaseDocument, documents(2))
    assert "UNNEST" in insert_sql(CaseDocument, documents(UNNEST_FROM_ROWS))
    assert CaseDocument.objects.filter(case=case, name__startswith="Giấy tờ").count() == (
        2 + UNNEST_FROM_ROWS
    )


def test_json_rows_go_as_values_at_any_size(file_case):
    case = file_case(FRIDAY_9AM)
    messages = [
        Message(case=case, service=Service.PROGRESS, payload={"n": i, "text": 'Hòa "Bình"'},
                created_at=FRIDAY_9AM, next_attempt_at=FRIDAY_9AM)
        for i in range(UNNEST_FROM_ROWS * 2)
    ]  # fmt: skip
    assert "UNNEST" not in insert_sql(Message, messages)
    stored = Message.objects.filter(case=case, payload__text='Hòa "Bình"')
    assert sorted(m.payload["n"] for m in stored) == list(range(UNNEST_FROM_ROWS * 2))
