"""The supervisor's pages: the dashboard with its cards and charts, the drill-down."""

import re
from datetime import date

import pytest
import time_machine

from reports import charts

from .conftest import vn
from .report_province import committed_october

pytestmark = pytest.mark.django_db

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(scope="module")
def october(django_db_setup, django_db_blocker):
    yield from committed_october(django_db_blocker)


def test_the_dashboard_shows_every_kpi_with_rate_score_and_charts(october, staff, client):
    client.force_login(staff["supervisor"])
    page = client.get("/reports/", OCTOBER)
    assert page.status_code == 200
    html = page.content.decode()
    for kpi in ("online_receipt", "on_time", "satisfaction", "procedures_online", "digitised"):
        assert f'id="kpi-{kpi}"' in html
    assert "68,18%" in html and "13,64 / 20" in html  # on time: rate, score of max points (vi)
    # Against September (A12–A14, all at the counter: 0% online): +20 points, better.
    assert 'class="trend better"' in html and "▲ +20,00" in html
    assert html.count("<svg") == 3  # throughput, on time by agency, channel mix
    # The charts are SVG drawn on the server; the only scripts are our own static files.
    assert re.findall(r'<script src="([^"]+)"', html) == [
        "/static/django_htmx/htmx-2.min.js",
        "/static/onestop/site.js",
    ]
    assert "/api/v1/reports/kpis/?from=2026-10-01&amp;to=2026-10-31&amp;format=xlsx" in html
    assert "/reports/kpis/on_time/?from=2026-10-01&amp;to=2026-10-31&amp;part=numerator" in html


def test_the_drill_down_page_lists_the_cases_of_a_figure(october, staff, client):
    client.force_login(staff["supervisor"])
    page = client.get("/reports/kpis/online_receipt/", {**OCTOBER, "part": "numerator"})
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("A2", "B1", "C1", "C4"):
        assert october[name].code in html
    for name in ("A1", "B2", "B4"):  # at the counter; online without an electronic result
        assert october[name].code not in html


def test_the_dashboard_is_for_supervisors(staff, client):
    assert client.get("/reports/").status_code == 302  # to the login page
    client.force_login(staff["counter"])
    assert client.get("/reports/").status_code == 403


def test_a_bad_period_is_an_error_next_to_the_field(staff, client):
    client.force_login(staff["supervisor"])
    page = client.get("/reports/", {"from": "2026-10-31", "to": "2026-10-01"})
    assert page.status_code == 400
    assert 'class="errors"' in page.content.decode()


def test_the_nav_links_to_the_dashboard_for_supervisors_only(staff, client):
    client.force_login(staff["supervisor"])
    assert 'href="/reports/"' in client.get("/").content.decode()
    client.force_login(staff["counter"])
    assert 'href="/reports/"' not in client.get("/").content.decode()


def test_the_dashboard_shows_the_total_its_groups_and_what_is_not_measured(october, staff, client):
    client.force_login(staff["supervisor"])
    html = client.get("/reports/", OCTOBER).content.decode()
    assert 'id="scorecard-total"' in html and "45,11" in html
    for group in range(1, 6):
        assert f'id="group-{group}"' in html
    # 1.4, 4.4 and 4.5 say so, named in the total's note and on their cards.
    assert html.count('class="card kpi absent"') == 2  # 4.4 and 4.5 (1.4: the portal's sync)
    assert "Hồ sơ được đồng bộ lên Cổng DVCQG" in html
    # The province's own figures stand apart, after the scorecard.
    assert html.index('id="province-title"') > html.index('id="kpi-satisfaction"')
    assert html.index('id="kpi-online_return"') > html.index('id="province-title"')


def test_the_drill_down_of_a_catalogue_and_of_a_feedback_figure(october, staff, client):
    client.force_login(staff["supervisor"])
    page = client.get("/reports/kpis/updated_on_time/", {**OCTOBER, "part": "denominator"})
    assert page.status_code == 200 and "1.000001" in page.content.decode()
    page = client.get("/reports/kpis/feedback_on_time/", {**OCTOBER, "part": "numerator"})
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("F1", "F3", "F6"):
        assert october[name].reference in html
    for name in ("F2", "F5"):
        assert october[name].reference not in html
    assert client.get("/reports/kpis/population_database/", OCTOBER).status_code == 404


def test_the_period_is_typed_and_shown_as_day_month_year(october, staff, client):
    """Regression (issue 20): the dashboard's dates were native date inputs, which follow the
    browser's locale (mm/dd/yyyy in an English browser) and not the Vietnamese page's."""
    client.force_login(staff["supervisor"])
    typed = client.get("/reports/", {"from": "01/10/2026", "to": "31/10/2026"})
    linked = client.get("/reports/", OCTOBER)  # a link or the API's form: ISO

    for page in (typed, linked):
        html = page.content.decode()
        assert page.status_code == 200 and "68,18%" in html  # the same October
        day = re.findall(r'<input type="text" name="(from|to)" value="([^"]*)"', html)
        assert day == [("from", "01/10/2026"), ("to", "31/10/2026")] and 'type="date"' not in html
        assert 'placeholder="dd/mm/yyyy"' in html
        # The exports and drill-downs read the period as the API does, in ISO.
        assert "/api/v1/reports/kpis/?from=2026-10-01&amp;to=2026-10-31&amp;format=xlsx" in html
    drill = client.get("/reports/kpis/on_time/", {"from": "01/10/2026", "to": "31/10/2026"})
    assert "from=2026-10-01&amp;to=2026-10-31" in drill.content.decode()


def test_the_satisfaction_card_says_what_its_figures_count(october, staff, client):
    """Regression (issue 20): 5.4's card read "Hồ sơ 5 / 22", as if 5 were cases of some
    kind; they are the cases rated "not satisfied" or complained about, out of 22."""
    client.force_login(staff["supervisor"])
    html = client.get("/reports/", OCTOBER).content.decode()
    card = html.split('id="kpi-satisfaction"', 1)[1].split("</article>", 1)[0]
    figures = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert "Hồ sơ bị đánh giá không hài lòng hoặc bị phản ánh / tổng số hồ sơ 5 / 22" in figures


def test_with_no_period_the_dashboard_shows_the_last_30_days_with_a_trend_on_each_figure(
    october, staff, client
):
    """Regression (issue 20.8): the default period was the year so far, compared with last
    year, which holds no data: every card but one showed no trend."""
    client.force_login(staff["supervisor"])
    with time_machine.travel(vn(2026, 10, 31, 12, 0), tick=False):
        html = client.get("/reports/").content.decode()
    assert "02/10/2026" in html and "31/10/2026" in html
    cards = re.findall(r'<article class="card kpi[^"]*"[^>]*>.*?</article>', html, re.DOTALL)
    with_a_figure = [c for c in cards if re.search(r'<p class="rate">\s*[0-9]', c)]
    missing = [c[:120] for c in with_a_figure if 'class="trend' not in c]
    assert with_a_figure and not missing, missing


def test_the_throughput_chart_counts_from_zero():
    """Regression (issue 20.8): its y-axis started at 20, so a change of 2 looked like 50 %."""
    rows = [
        {"bucket": date(2026, 11, day), "received": 20 + day, "resolved": 22, "backlog": 25}
        for day in (2, 3, 4)
    ]
    svg = charts.throughput_chart(rows, lambda day: day.strftime("%d/%m"))
    y_axis = re.search(r'<g class="axis y[^"]*">(.*?)</g></g>', svg, re.DOTALL).group(1)
    assert re.findall(r"<text[^>]*>([^<]*)</text>", y_axis)[0] == "0"
