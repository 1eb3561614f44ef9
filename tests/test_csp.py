"""The Content-Security-Policy: every page is sent with it, scripts only from our files.

The browser journeys (test_browser.py) show that the pages keep to it; these checks say
why they can: no template holds an inline script or an inline event handler."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    path
    for path in ROOT.glob("*/templates/**/*.html")
    if ".venv" not in path.parts and "admin" not in path.parts
]


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_every_page_is_sent_with_a_policy_that_allows_only_our_scripts(client):
    policy = directives(client.get("/").headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]


@pytest.mark.django_db
def test_the_dashboard_charts_style_carries_the_response_nonce(staff, file_case, client):
    file_case()  # something to chart
    client.force_login(staff["supervisor"])
    page = client.get("/reports/")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style[^>]*>", page.content.decode())
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_holds_an_inline_script_or_handler(template):
    html = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler (onclick=…)"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
