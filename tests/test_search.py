"""Searching without diacritics (issue 20, item 6): clerks and citizens type "ly lich tu phap"
and find "Lý lịch tư pháp", at the counter, in the portal and on the API; a name of a
person too; the procedure whose code is typed comes first. PostgreSQL folds with unaccent
behind a trigram index, the embedded mode's SQLite with a function of ours.

Regression: `icontains` compared the letters as typed, so a search without accents found
nothing."""

import pytest
from django.db import connection, connections
from django.db.utils import ConnectionHandler
from django.test import Client

from cases import selectors
from cases.models import Agency, Procedure
from onestop.folding import fold

from .conftest import APPLICANT, FRIDAY_9AM
from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db

TYPED = "ly lich tu phap"


@pytest.fixture
def catalogue(procedure, province):
    """2.000488 (Lý lịch tư pháp), a procedure whose code holds that code, and another."""
    return {
        "lltp": procedure,
        "longer_code": ProcedureFactory(
            code="12.000488", name="Thủ tục có mã chứa 2.000488", agency=province["justice"]
        ),
        "marriage": ProcedureFactory(
            code="1.000894", name="Đăng ký kết hôn", agency=province["justice"]
        ),
    }


def test_folding_drops_every_vietnamese_diacritic_and_reads_d_for_đ():
    assert fold("Cấp Phiếu lý lịch tư pháp") == "cap phieu ly lich tu phap"
    assert fold("ĐĂNG KÝ Đường Ựa ỹ ờ") == "dang ky duong ua y o"
    with connection.cursor() as cursor:
        cursor.execute("SELECT onestop_fold(%s)", ["ĐĂNG KÝ Đường Ựa ỹ ờ"])
        assert cursor.fetchone() == ("dang ky duong ua y o",)


def test_the_counter_finds_a_procedure_typed_without_accents(catalogue, staff):
    client = Client()
    client.force_login(staff["counter"])

    for typed in (TYPED, "LY LICH", "dang ky ket hon"):
        options = client.get("/desk/counter/procedures/", {"q": typed})
        found = [p.code for p in options.context["procedures"]]
        expected = "1.000894" if "ket hon" in typed else "2.000488"
        assert found == [expected], typed


def test_the_portal_finds_a_procedure_typed_without_accents(catalogue):
    page = Client().get("/procedures/", {"q": TYPED})
    assert [p.code for p in page.context["page"].object_list] == ["2.000488"]


def test_the_api_finds_it_and_ranks_the_exact_code_first(catalogue, client_for):
    api = client_for()
    by_name = api.get("/api/v1/procedures/", {"search": TYPED}).json()
    by_code = api.get("/api/v1/procedures/", {"search": "2.000488"}).json()

    assert [p["code"] for p in by_name["results"]] == ["2.000488"]
    # "12.000488" holds the code typed and sorts before it; the exact one still comes first.
    assert [p["code"] for p in by_code["results"]] == ["2.000488", "12.000488"]
    assert [p.code for p in selectors.procedure_search(text="2.000488")] == [
        "2.000488",
        "12.000488",
    ]


def test_staff_find_an_applicant_by_a_name_typed_without_accents(file_case, staff, client_for):
    case = file_case(FRIDAY_9AM)
    assert APPLICANT["full_name"] == "Lò Thị Mai"
    api = client_for(staff["counter"])

    assert [c["code"] for c in api.get("/api/v1/cases/", {"search": "lo thi mai"}).json()[
        "results"]] == [case.code]  # fmt: skip
    assert api.get("/api/v1/cases/", {"search": "lo thi lan"}).json()["count"] == 0
    queue = Client()
    queue.force_login(staff["counter"])
    page = queue.get("/desk/queue/", {"search": "THI MAI"})
    assert [c.code for c in page.context["page"].object_list] == [case.code]


def test_postgresql_searches_through_the_trigram_index(catalogue):
    """The folded name is compared as the index holds it, so a large catalogue is not read
    row by row (the planner is told to avoid a sequential scan, as on a large table)."""
    query = selectors.procedure_search(text="lich phap")  # trigrams need 3 letters a word
    with connection.cursor() as cursor:
        # A small table's plan would read it whole, or walk another index: leave the
        # planner only the scans that a condition of the search can drive.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cases_procedure_name_folded" in plan and "cases_procedure_code_folded" in plan


def test_the_embedded_modes_sqlite_searches_without_accents_too():
    """The same search on a SQLite database (the embedded mode) holding the catalogue."""
    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )["default"]
    connections["embedded"] = sqlite
    try:
        with sqlite.schema_editor() as editor:
            editor.create_model(Agency)
            editor.create_model(Procedure)
        # Only the catalogue's two tables: the links to the others are not checked.
        with sqlite.constraint_checks_disabled():
            agency = Agency.objects.using("embedded").create(code="X", name="Sở Tư pháp")
            for code, name in [("2.000488", "Cấp Phiếu lý lịch tư pháp"), ("1.000894", "Đăng ký")]:
                Procedure.objects.using("embedded").create(
                    code=code, name=name, agency=agency, processing_time_value=3
                )

        found = {
            typed: [p.code for p in selectors.procedure_search(text=typed).using("embedded")]
            for typed in (TYPED, "DANG KY", "2.000488")
        }

        assert found == {TYPED: ["2.000488"], "DANG KY": ["1.000894"], "2.000488": ["2.000488"]}
    finally:
        del connections["embedded"]
        sqlite.close()
