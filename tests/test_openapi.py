"""The committed openapi.yaml is the contract: CI fails when the code drifts from it."""

from pathlib import Path

from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parent.parent / "openapi.yaml"


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command(
        "spectacular", "--lang", "en", "--file", str(generated), "--validate", "--fail-on-warn"
    )
    assert generated.read_text() == SCHEMA.read_text(), (
        "The API changed: review it, then run `make schema` and commit openapi.yaml."
    )


def test_the_contract_paths_are_there():
    text = SCHEMA.read_text()
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/procedures/",
        "/api/v1/agencies/",
        "/api/v1/cases/",
        "/api/v1/cases/{code}/",
        "/api/v1/cases/{code}/actions/accept/",
        "/api/v1/cases/{code}/actions/return/",
        "/api/v1/public/cases/{code}/",
    ]:
        assert f"  {path}:" in text
