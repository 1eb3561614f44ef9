"""The committed openapi.yaml is the contract: CI fails when the code drifts from it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
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


@pytest.mark.django_db
def test_the_api_docs_load_swagger_ui_from_our_own_static_files(client):
    """Regression: /api/docs/ loaded Swagger UI `@latest` from a CDN with no integrity hash
    (a blank page offline, and code we never pinned running on our origin)."""
    page = client.get("/api/docs/")
    script = client.get("/api/docs/", {"script": ""})

    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert page.status_code == 200 and script.status_code == 200
    assert [url for url in urls if "//" in url] == []  # nothing from another origin
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script either
    assert re.findall(r"https?://(?!testserver)", script.content.decode()) == []
    bundle = f"{settings.STATIC_URL}drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in urls
    for url in urls:
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
