"""The main journeys in a real browser: Playwright driving Debian's Chromium.

Each journey saves a screenshot in SCREENSHOTS (printed at the end of the run). Without
Chromium these tests skip with a message, except in CI, where `.ci/run` installs it.
Every page a journey opens keeps to the Content-Security-Policy (the browser reports no
violation), and the main pages pass axe-core (tests/vendor/axe-core, our own copy) with no
serious or critical violation.
"""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cases import services
from cases.models import Case, Level, OnlineLevel, Status
from payments import tasks as payment_tasks
from payments.models import GatewayCallback
from reports.models import Rating

from .conftest import APPLICANT, SCREENSHOTS
from .factories import AgencyFactory, ProcedureFactory
from .report_province import a_long_october
from .signing import sign, submit, two_page_pdf, upload

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
PASSWORD = "secret-pass-123"  # the factories' password

pytestmark = pytest.mark.django_db(transaction=True)


# Module scope: Playwright's event loop runs on this thread while the browser is open, and
# would break asyncio.run (pyHanko's signing) in the tests that follow on the same worker.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"No Chromium at {CHROMIUM} (apt-get install chromium): browser journeys"
        if os.environ.get("CI"):
            pytest.fail(f"{message} cannot run in CI")
        pytest.skip(f"{message} skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls
    # (arranging data, checking results) are still plain synchronous code.
    # Only while the browser is open: a later test's subprocess must not inherit it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def open_page(browser, live_server, viewport):
    """A page that records what the Content-Security-Policy refused (Chromium says so on
    the console and fires `securitypolicyviolation`)."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    page = context.new_page()
    page.csp_violations = []

    def record(message):
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            page.csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", record)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = open_page(browser, live_server, {"width": 1280, "height": 900})
    yield page
    context.close()
    assert page.csp_violations == []


@pytest.fixture
def phone(browser, live_server):
    context, page = open_page(browser, live_server, PHONE)
    yield page
    context.close()
    assert page.csp_violations == []


def accessible(page):
    """axe-core's verdict on the page as it stands: no serious or critical violation."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "axe.run(document).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"
    )
    assert violations == [], f"{page.url}: {violations}"


def fits(page):
    """Nothing pushes the page wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def shoot(page, name):
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_counter_intake_ends_with_the_receipt(page, staff, procedure):
    log_in(page, "counter")
    page.wait_for_url("**/desk/counter/")

    # Keyboard only: the search has the focus, Tab reaches the procedure, each field the next.
    page.wait_for_function("document.activeElement.id === 'procedure-search'")
    page.keyboard.type("lý lịch")
    page.wait_for_selector("ul.options a")
    page.keyboard.press("Tab")  # to the first procedure found
    page.keyboard.press("Enter")
    page.wait_for_selector("form.intake")
    accessible(page)
    # The name field takes the focus as the page loads; wait for it rather than race it.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_full_name'")
    page.keyboard.type(APPLICANT["full_name"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_id_number"
    page.keyboard.type(APPLICANT["id_number"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_phone"
    page.keyboard.type("0912 345 678")
    page.keyboard.press("Enter")  # sends the form, as its button would

    page.wait_for_url(re.compile(r"/receipt/$"))
    accessible(page)
    case = Case.objects.get()
    # The phone as typed at the counter, kept as 84… (cases.phones).
    assert case.status == Status.RECEIVED and case.applicant_phone == "84912345678"
    assert page.locator("dd.big").first.inner_text() == case.code
    assert re.fullmatch(r"[0-9A-Z]{8}", page.locator("p.pin").inner_text())
    shoot(page, "counter-receipt")


def test_the_receipt_qr_link_finds_the_case_and_no_request_carries_the_pin(page, file_case):
    """The QR code's link has the PIN in its fragment (issue 19: not in a logged query
    string): the page posts it, then shows the case at a clean address."""
    case = file_case()
    sent = []
    page.on("request", lambda request: sent.append(request.url))

    page.goto(f"/?code={case.code}#pin={case.pin}")

    page.wait_for_selector("section.case")
    assert case.code in page.locator("section.case").inner_text()
    assert page.url.endswith("/") and "#" not in page.url
    assert [url for url in sent if case.pin in url] == []
    shoot(page, "lookup-from-qr-link")


def test_the_counter_accepts_an_online_submission(page, staff, procedure):
    submitted = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    log_in(page, "counter")
    page.goto("/desk/counter/submissions/")

    accessible(page)
    page.click(f'form[action="/desk/cases/{submitted.reference}/actions/accept/"] button')

    page.wait_for_selector("ul.messages li.success")
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED
    assert submitted.code in page.locator("h1").inner_text()
    shoot(page, "counter-accepts-online")


def test_the_officer_submits_a_result_and_the_signer_signs_it(page, staff, file_case):
    case = file_case()
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])

    log_in(page, "officer")
    accessible(page)
    shoot(page, "officer-desk")
    page.click(f"text={case.code}")
    accessible(page)
    page.click("#action-submit-result summary")
    page.click("#action-submit-result button[type=submit]")
    page.wait_for_selector("ul.messages li.success")
    page.click("header .account button")  # log out

    log_in(page, "signer")
    page.wait_for_url("**/desk/signer/")
    page.check(f'input[name=case][value="{case.code}"]')
    accessible(page)
    shoot(page, "signer-desk")
    page.click('form[action="/desk/signer/sign/"] button[type=submit]')
    page.wait_for_selector("ul.messages li.success")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    shoot(page, "signer-signed")


def test_an_officer_takes_a_waiting_case_from_the_desk(page, staff, file_case):
    case = file_case()

    log_in(page, "officer")
    page.wait_for_url("**/desk/officer/")
    shoot(page, "officer-desk-waiting")
    page.get_by_role("button", name=f"Nhận xử lý {case.code}").click()

    page.wait_for_selector("ul.messages li.success")
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (Status.PROCESSING, staff["officer"])
    assert case.code in page.locator("h1").inner_text()
    page.goto("/desk/officer/")
    assert page.locator("table.cases").first.get_by_text(case.code).is_visible()
    assert not page.get_by_role("button", name=f"Nhận xử lý {case.code}").count()
    shoot(page, "officer-desk-taken")


def test_a_supervisor_pages_through_the_cases_behind_a_figure(page, staff, file_case):
    cases = a_long_october(file_case)

    log_in(page, "supervisor")
    page.goto("/reports/?from=2026-10-01&to=2026-10-31")
    page.locator('#kpi-on_time a[href*="part=numerator"]').first.click()
    page.wait_for_url(re.compile(r"part=numerator"))
    page.get_by_role("link", name="Trang sau →").click()

    page.wait_for_url(re.compile(r"page=2"))
    # Regression: the link read `??from=…`, which lost the period (and `??part=` the part).
    assert parse_qs(urlsplit(page.url).query) == {
        "from": ["2026-10-01"], "to": ["2026-10-31"], "part": ["numerator"], "page": ["2"]
    }  # fmt: skip
    assert page.input_value("#id_from") == "01/10/2026"  # the period kept, shown dd/mm/yyyy
    assert "tử số" in page.locator("h1").inner_text().lower()
    shown = set(page.locator("table tbody td:first-child a").all_inner_texts())
    assert len(shown) == 5 and shown <= {case.code for case in cases["on_time"]}
    shoot(page, "drill-down-second-page")


def test_a_citizen_finds_a_procedure_files_online_and_gets_a_reference(page, province, tmp_path):
    procedure = ProcedureFactory(
        name="Đăng ký kết hôn",
        level=Level.COMMUNE,
        agency=province["justice"],
        online_level=OnlineLevel.FULL,
        required_documents=["Tờ khai đăng ký kết hôn"],
    )
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 a scanned form")

    page.goto("/procedures/")
    page.fill("#id_q", "kết hôn")
    page.wait_for_selector("article.procedure h2:has-text('Đăng ký kết hôn')")
    accessible(page)
    page.click(f'a[href="/procedures/{procedure.code}/submit/"]')
    accessible(page)
    page.fill("#id_full_name", APPLICANT["full_name"])
    page.fill("#id_id_number", "0101")  # a typo first: the form says so and keeps the rest
    page.set_input_files("#id_document_0", scan)
    page.click("main button[type=submit]")
    assert page.locator("#id_full_name").input_value() == APPLICANT["full_name"]
    page.fill("#id_id_number", APPLICANT["id_number"])
    page.set_input_files("#id_document_0", scan)
    page.click("main button[type=submit]")

    page.wait_for_selector("#reference")
    accessible(page)
    case = Case.objects.get()
    assert page.locator("#reference").inner_text() == case.reference
    assert case.status == Status.SUBMITTED and case.documents.get().sha256
    shoot(page, "citizen-submitted")


def test_a_result_uploaded_and_signed_reaches_the_citizen_and_verifies_as_authentic(
    page, staff, procedure, tmp_path
):
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    case = services.case_act(case=case, action="accept", by=staff["counter"])
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    draft = tmp_path / "ket-qua.pdf"
    draft.write_bytes(two_page_pdf("Phiếu lý lịch tư pháp số 1"))

    log_in(page, "officer")
    page.goto(f"/desk/cases/{case.code}/")
    page.click("#action-submit-result summary")
    page.check("#id_submit-result-result_1")  # upload a PDF
    page.set_input_files("#id_submit-result-file", draft)
    page.click("#action-submit-result button[type=submit]")
    page.wait_for_selector("ul.messages li.success")
    assert page.locator("section.result").count() == 1  # the draft, with its checksum
    shoot(page, "officer-result-draft")
    page.click("header .account button")  # log out

    log_in(page, "signer")
    page.wait_for_url("**/desk/signer/")
    page.check(f'input[name=case][value="{case.code}"]')
    page.click('form[action="/desk/signer/sign/"] button[type=submit]')
    page.wait_for_selector("ul.messages li.success")
    page.click("header .account button")

    log_in(page, "citizen")
    page.goto(f"/my/cases/{case.code}/")
    page.wait_for_selector("section.result-signed")
    shoot(page, "citizen-signed-result")
    with page.expect_download() as downloading:
        page.click(f'a[href="/my/cases/{case.code}/result/"]')
    signed = tmp_path / "downloaded.pdf"
    downloading.value.save_as(signed)
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.return_channel == "online"

    page.click("section.result-signed a.secondary")  # the verification link of the page
    assert "verdict-authentic" in page.locator("section.verdict").get_attribute("class")
    page.goto("/verify/")
    page.set_input_files("#id_file", signed)
    page.click("main form button[type=submit]")
    page.wait_for_selector("section.verdict")
    assert "verdict-authentic" in page.locator("section.verdict").get_attribute("class")
    assert case.code in page.locator("section.verdict").inner_text()
    shoot(page, "citizen-result-verified")


def off_the_browser_thread(arrange):
    """Run `arrange` on another thread: signing uses asyncio.run, which Playwright's event
    loop on this thread would refuse."""
    from django.db import connection

    def run():
        try:
            return arrange()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def look_up(page, code, pin):
    page.goto("/")
    page.fill("#id_code", code)
    page.fill("#id_pin", pin)
    page.click("form.lookup button[type=submit]")
    page.wait_for_selector("section.case")


def test_a_citizen_pays_the_upfront_fee_in_the_simulator_and_the_case_is_received(
    page, file_case, upfront, simulated_paygov
):
    case = file_case(procedure=upfront)
    assert case.status == Status.AWAITING_PAYMENT

    look_up(page, case.code, case.pin)
    assert "150.000 ₫" in page.locator("div.fees").inner_text()
    page.click("div.fees a.button")
    page.click("main form button[type=submit]")  # to the national payment platform
    page.wait_for_url(re.compile(r"/payments/simulator/paygov/"))
    shoot(page, "citizen-paygov-simulator")
    page.click("button[value=success]")
    page.wait_for_url(re.compile(r"/payments/return/"))

    # The worker's part: the callback the platform sent is applied by the drain task.
    assert GatewayCallback.objects.filter(processed_at=None).count() == 1
    payment_tasks.drain_callbacks()
    page.click("main a[href='/']")  # back to the case
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.appointment_at
    assert page.locator("section.case p.status").inner_text() == case.get_status_display()
    assert page.locator("section.case p.appointment").count() == 1
    assert page.locator("div.fees a.button").count() == 0  # nothing due any more
    shoot(page, "citizen-paid")

    # The counter's case page: the payment table stays inside its box (it overflowed).
    log_in(page, "counter")
    page.goto(f"/desk/cases/{case.code}/")
    fees = page.locator("section.fees")
    assert fees.locator("table.payments tr").count() >= 2
    assert fees.evaluate("box => box.scrollWidth <= box.clientWidth")
    accessible(page)
    shoot(page, "staff-case-fees")


def test_a_citizen_downloads_the_signed_result_verifies_it_and_rates_the_service(
    page, file_case, staff, client_for, tmp_path
):
    def resolved():
        case = file_case()
        pin = case.pin
        services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
        submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))
        assert sign(client_for(staff["signer"]), case.code).status_code == 200
        return case, pin

    case, pin = off_the_browser_thread(resolved)

    look_up(page, case.code, pin)
    accessible(page)
    assert not page.locator("section.rating").is_visible()  # nothing to rate before the result
    with page.expect_download() as downloading:
        page.click("p.result a[href='/result/']")
    signed = tmp_path / "ket-qua.pdf"
    downloading.value.save_as(signed)
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.return_channel == "online"

    # The download returned the case: the form to rate it is there, with no second lookup.
    page.check("input[name=rating][value=satisfied]")
    page.fill("#rating-comment", "Nhanh, gọn.")
    accessible(page)
    page.click("section.rating button[type=submit]")
    page.wait_for_selector("ul.messages li.success")
    assert page.locator("section.rating form").count() == 0  # rated: no second form
    rating = Rating.objects.get()
    assert (rating.case_id, rating.value, rating.comment) == (case.pk, "satisfied", "Nhanh, gọn.")
    shoot(page, "citizen-rated")

    page.goto("/verify/")
    page.set_input_files("#id_file", signed)
    page.click("main form button[type=submit]")
    assert "verdict-authentic" in page.locator("section.verdict").get_attribute("class")
    accessible(page)


def test_the_supervisor_reads_the_dashboard_drills_down_and_exports(page, staff, file_case):
    counter_case = file_case()
    online = services.case_file(
        procedure=counter_case.procedure, applicant=APPLICANT, channel="online"
    )
    online = services.case_act(case=online, action="accept", by=staff["counter"])

    log_in(page, "supervisor")
    page.wait_for_url("**/reports/")
    assert page.locator("section.kpi-cards article.kpi").count() >= 5
    assert page.locator("section.charts figure.chart svg").count() == 3
    accessible(page)
    shoot(page, "supervisor-dashboard")

    with page.expect_download() as downloading:
        page.click("p.exports a[href*='/reports/kpis/?'][href$='format=csv']")
    csv = Path(downloading.value.path()).read_text(encoding="utf-8-sig")
    assert "on_time" in csv

    page.click("#kpi-on_time dd a[title]:last-child")  # its denominator: the cases counted
    page.wait_for_url(re.compile(r"/reports/kpis/on_time/"))
    listed = page.locator("table tbody td:first-child").all_inner_texts()
    assert sorted(listed) == sorted([counter_case.code, online.code])
    accessible(page)
    page.click(f"table tbody a:text-is('{online.code}')")  # each code opens its case
    page.wait_for_url(f"**/desk/cases/{online.code}/")


def test_the_counter_switches_to_english_with_the_header_selector(page, staff, file_case):
    case = file_case()
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    log_in(page, "counter")
    page.wait_for_url("**/desk/counter/")
    assert page.locator("h1").inner_text() == "Tiếp nhận hồ sơ"

    page.select_option("header form.lang select", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Receive an application"
    page.click("header nav a[href='/desk/queue/']")
    row = page.locator(f"tr:has-text('{case.code}') td").all_inner_texts()
    assert row[3:5] == ["Processing", "officer"]  # status in English; a user with no full name
    shoot(page, "counter-in-english")


def test_the_main_pages_keep_to_the_policy_and_pass_axe(page, staff, file_case, province):
    """Every main page of each user, as they open it: the CSP refuses nothing (the page
    fixture checks the console) and axe-core finds no serious or critical violation."""
    case = file_case()
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    online = services.case_file(
        procedure=case.procedure, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    pages = {
        None: ["/", "/procedures/", "/verify/", "/login/", "/signup/"],
        "counter": [
            f"/desk/counter/?procedure={case.procedure.code}",
            "/desk/counter/submissions/",
            "/desk/queue/",
            f"/desk/cases/{case.code}/",
            f"/desk/cases/{case.code}/receipt/",
            "/alerts/",
        ],
        "officer": ["/desk/officer/", "/desk/feedback/"],
        "signer": ["/desk/signer/"],
        "supervisor": ["/reports/", "/reports/kpis/on_time/?part=denominator"],
        "citizen": ["/my/cases/", f"/my/cases/{online.reference}/"],
    }
    for user, paths in pages.items():
        if user:
            log_in(page, user)
            page.wait_for_selector("header .account button")  # logged in, on their desk
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            accessible(page)
        if user:
            page.click("header .account button")  # log out
    # Swagger UI's page too: its own script file, its styles allowed there only.
    page.goto("/api/docs/")

    # The favicon, from our own files.
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).headers["content-type"] == "image/svg+xml"


def test_the_portal_fits_a_phone(phone, file_case, province):
    """Regression (issue 20.8): /procedures/ was 597 px wide on a 390 px phone (the agency
    filter as wide as its longest name)."""
    branch = AgencyFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh Lào Cai - Chi nhánh khu vực Văn Bàn",
        parent=province["ubnd"],
    )
    ProcedureFactory(agency=branch)  # the filter lists the agencies that have procedures
    case = file_case()
    phone.goto("/procedures/")
    fits(phone)
    accessible(phone)
    shoot(phone, "phone-procedures")
    look_up(phone, case.code, case.pin)
    fits(phone)
    accessible(phone)
    shoot(phone, "phone-lookup")
