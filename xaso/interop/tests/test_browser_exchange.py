"""Issue 6's first done-when in a real browser (Debian Chromium driven by Playwright).

Deployment A is pytest-django's live server; deployment B is a second process (runserver on
its own SQLite database, test_two_deployments.py). In A the chairman approves a công văn and
signs it with his SoftHSM token and PIN on the document page; the văn thư numbers it, adds the
organisation's signature with the .p12 file she uploads, and releases it; A's real worker
(`db_worker`, as in production) delivers the edXML package; B's văn thư finds the document
in B's incoming register with both signatures verified, and A's page shows status 03.
A wrong PIN gives a clear message and signs nothing.

Second done-when: a one-stop dossier transferred in the browser from the commune (A) to the
province (a second process, test_dossier_transfer_two_deployments.py) comes back with a
result signed by the province; the desk takes it in and returns it, and the citizen checks
the PDF on the public verification page.
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from xaso.conftest import OTHER_COMMUNE_CODE
from xaso.conftest import PASSPHRASE
from xaso.core.pdf import render_pdf
from xaso.core.tests.factories import TEST_PASSWORD
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import outgoing as outgoing_service
from xaso.dossiers.models import Dossier
from xaso.interop.models import OutboundPackage
from xaso.interop.tests.test_dossier_transfer_two_deployments import PASSPHRASE as PROVINCE_PASS
from xaso.interop.tests.test_dossier_transfer_two_deployments import desk  # noqa: F401
from xaso.interop.tests.test_dossier_transfer_two_deployments import province  # noqa: F401
from xaso.interop.tests.test_dossier_transfer_two_deployments import province_pki  # noqa: F401
from xaso.interop.tests.test_dossier_transfer_two_deployments import province_template  # noqa: F401
from xaso.interop.tests.test_two_deployments import B_ID
from xaso.interop.tests.test_two_deployments import PATH
from xaso.interop.tests.test_two_deployments import b_template  # noqa: F401  (fixture)
from xaso.interop.tests.test_two_deployments import deployment_a  # noqa: F401  (fixture)
from xaso.interop.tests.test_two_deployments import deployment_b  # noqa: F401  (fixture)
from xaso.signatures import pki
from xaso.signatures import services as signatures

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian chromium (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Deployment A queues its jobs in the database and a worker runs them, as in production
# (the test settings' immediate backend would deliver inside the văn thư's request).
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SUBJECT = "Về việc phối hợp xác minh hộ tịch"
B_CLERK = "vanthu_xa_b"


@pytest.fixture(autouse=True)
def _offline():
    with override_settings(XASO_TSA_URL="", XASO_SIGNATURE_FETCH_REVOCATION=False):
        yield


@pytest.fixture
def browser(monkeypatch):
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async-safety guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def expect():
    expect = pytest.importorskip("playwright.sync_api").expect
    # Signing, verifying and delivering take seconds on a busy machine: wait on the page
    # longer than Playwright's 5 s default rather than sleeping.
    expect.set_options(timeout=30_000)
    return expect


def _login(browser, base: str, username: str):
    # One browser context per person: A and B both live on 127.0.0.1/localhost, and
    # cookies do not tell ports apart.
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == f"{base}/", page.url
    return page


def _submit(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _submitted_draft(make_staff, unit, chairman, external_recipients) -> OutgoingDocument:
    drafter = make_staff(unit, "office_statistics", username="vanphong")
    document = outgoing_service.create_draft(
        actor=drafter,
        data=outgoing_service.DraftData(
            doc_type="cong_van",
            subject=SUBJECT,
            body="Ủy ban nhân dân xã A đề nghị xã B phối hợp xác minh.",
            recipients_text="UBND xã B",
            signer=chairman,
            signer_title="Chủ tịch",
            external_recipients=external_recipients,
        ),
        generate=True,
    )
    outgoing_service.submit(actor=drafter, document=document)
    return document


def _open_outgoing(page, base: str) -> None:
    """From the outgoing register (Sổ văn bản đi) to the document's page, as staff do."""
    page.goto(f"{base}/van-ban/di/")
    row = page.locator("tbody tr", has_text=SUBJECT)
    _submit(page, row.get_by_role("link"))


def _sign_with_token(page, token_label: str, pin: str) -> None:
    form = page.locator("form#ky-so")
    form.get_by_label("Thiết bị ký số (USB token)").check()
    form.get_by_label("Tên thiết bị ký số").fill(token_label)
    form.get_by_label("Mã PIN").fill(pin)
    _submit(page, form.get_by_role("button", name="Ký số", exact=True))


def _create_b_clerk(b) -> None:
    b.manage(
        "shell",
        "-c",
        "from xaso.core.models import AdministrativeUnit, Position, User; "
        f"user = User.objects.create_user(username='{B_CLERK}', password='{TEST_PASSWORD}', "
        f"full_name='Văn thư xã B', unit=AdministrativeUnit.objects.get(code={OTHER_COMMUNE_CODE})); "
        "user.positions.set(Position.objects.filter(code='clerk'))",
    )


def test_token_signed_cong_van_reaches_the_second_deployment_and_03_comes_back(
    request,
    tmp_path,
    browser,
    expect,
    live_server,
    make_staff,
    chairman,
    clerk,
    demo_pki,
    softhsm_token,
):
    a = request.getfixturevalue("deployment_a")
    b = request.getfixturevalue("deployment_b")
    b_base = b.url.removesuffix(PATH)
    # Both deployments trust the test CA (their administrators imported it); the chairman's
    # token certificate and the organisation's certificate are registered in A.
    anchors = []
    for name, ca in (("root.pem", demo_pki.root), ("sub.pem", demo_pki.sub)):
        signatures.import_trust_anchor(actor=None, data=pki.pem(ca.certificate), for_all_units=True)
        path = tmp_path / name
        path.write_bytes(pki.pem(ca.certificate))
        anchors.append(str(path))
    b.manage("import_trust_anchors", *anchors)
    _create_b_clerk(b)
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    signatures.register_user_certificate(
        actor=clerk, data=pki.pem(demo_pki.organisation.certificate)
    )
    document = _submitted_draft(make_staff, a.unit, chairman, [(B_ID, "UBND xã B")])
    base = live_server.url

    with override_settings(TASKS=DB_TASKS):
        # The chairman approves, then signs with his token: he picks "token", names it and
        # types its PIN; the key stays on the token.
        boss = _login(browser, base, chairman.username)
        _open_outgoing(boss, base)
        _submit(boss, boss.get_by_role("button", name="Duyệt", exact=True))
        expect(boss.locator(".msg-success")).to_be_visible()
        _sign_with_token(boss, softhsm_token.token.token_label, softhsm_token.pin)
        expect(boss.locator(".msg-success")).to_contain_text("Đã ký số văn bản.")
        expect(boss.locator("form#ky-so")).to_have_count(0)

        # The văn thư numbers it and signs for the organisation with the .p12 file she picks.
        office = _login(browser, base, clerk.username)
        _open_outgoing(office, base)
        assert office.url == f"{base}/van-ban/di/{document.pk}/"
        form = office.locator("form#phat-hanh")
        form.get_by_label("Tệp khóa PKCS#12 (.p12, .pfx)").check()
        form.locator("input[name=key_file]").set_input_files(
            {
                "name": "ubnd-xa-a.p12",
                "mimeType": "application/x-pkcs12",
                "buffer": demo_pki.organisation_p12,
            }
        )
        form.get_by_label("Mật khẩu tệp khóa").fill(PASSPHRASE)
        _submit(office, form.get_by_role("button", name="Cấp số, ký số và phát hành", exact=True))
        expect(office.locator(".msg-success")).to_contain_text("Đã cấp số 01/UBND-VP")
        expect(office.locator("h1")).to_have_text("Văn bản đi số 01/UBND-VP")
        # Queued, not sent yet: the page says so.
        expect(office.locator('[data-exchange-status="queued"]')).to_have_text("Đang gửi")
        outbound = OutboundPackage.objects.get(unit=a.unit)
        assert (outbound.peer.organ_id, outbound.status) == (B_ID, "pending")

        # A's worker runs the queued delivery; B verifies, registers and answers 03.
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.answer_code) == ("delivered", "03")

    # B's văn thư finds it in B's incoming register, both signatures verified.
    receiver = _login(browser, b_base, B_CLERK)
    receiver.goto(f"{b_base}/van-ban/den/")
    row = receiver.locator("tbody tr", has_text=SUBJECT)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("01/UBND-VP")
    _submit(receiver, row.get_by_role("link"))
    expect(receiver.locator("h1")).to_contain_text("Văn bản đến số 1/")
    expect(receiver.locator("#signature-summary")).to_contain_text("Tất cả 2 chữ ký số đều hợp lệ")
    expect(receiver.locator("#signature-report .badge-on")).to_have_count(2)
    assert b.rows("select count(*) from documents_incomingdocument") == [(1,)]

    # Back in A, the document page shows the recipient's answer.
    office.reload()
    expect(office.locator('[data-exchange-status="03"]')).to_have_text("03 — Đã tiếp nhận")
    expect(office.locator("main")).to_contain_text("Đã vào sổ văn bản đến số 1/")
    assert ExternalRecipient.objects.get(document=document).exchange_status == "03"


def test_wrong_pin_in_the_browser_says_so_and_signs_nothing(
    browser, expect, live_server, commune, make_staff, chairman, softhsm_token
):
    signatures.register_user_certificate(
        actor=chairman, data=pki.pem(softhsm_token.token.certificate)
    )
    document = _submitted_draft(make_staff, commune, chairman, [])
    outgoing_service.approve(actor=chairman, document=document)
    before = OutgoingDocument.objects.get(pk=document.pk)
    files_before = before.files.count()
    base = live_server.url

    page = _login(browser, base, chairman.username)
    page.goto(f"{base}/van-ban/di/{document.pk}/")
    _sign_with_token(page, softhsm_token.token.token_label, "000000")

    expect(page.locator(".msg-error")).to_have_text(
        "Mã PIN của thiết bị ký số không đúng. Hãy nhập lại."
    )
    expect(page.locator(".msg-success")).to_have_count(0)
    # The form is still there to try again; the PIN typed is not sent back.
    expect(page.locator("form#ky-so")).to_be_visible()
    expect(page.locator("form#ky-so").get_by_label("Mã PIN")).to_have_value("")
    after = OutgoingDocument.objects.get(pk=document.pk)
    assert (after.status, after.signed_at, after.signed_by) == (before.status, None, None)
    assert after.files.count() == files_before


def test_transferred_dossier_returns_signed_and_the_citizen_verifies_it(
    request, tmp_path, browser, expect, live_server
):
    # The fixtures of test_dossier_transfer_two_deployments.py (imported above).
    office = request.getfixturevalue("desk")
    upper = request.getfixturevalue("province")
    upper_pki = request.getfixturevalue("province_pki")
    # The commune trusts the CA of the province's organisation certificate.
    signatures.import_trust_anchor(
        actor=None, data=pki.pem(upper_pki.root.certificate), for_all_units=True
    )
    base = live_server.url
    dossier_page = f"{base}/mot-cua/ho-so/{office.dossier.pk}/"

    # The official holding the step transfers it from the dossier page.
    official = _login(browser, base, office.official.username)
    official.goto(dossier_page)
    _submit(official, official.get_by_role("link", name="Chuyển liên thông điện tử", exact=True))
    official.locator("#id_peer").select_option(str(office.peer.pk))
    official.locator("#id_note").fill("Đề nghị Sở giải quyết")
    _submit(official, official.get_by_role("button", name="Chuyển hồ sơ", exact=True))
    expect(official.locator(".msg-success")).to_contain_text("Đã chuyển liên thông hồ sơ")
    expect(official.locator("main")).to_contain_text("Đã chuyển liên thông: UBND tỉnh Nghệ An")

    # The province processes it and sends back its result signed with its organisation key.
    upper.shell("p.process()")
    pdf_path = tmp_path / "ket-qua.pdf"
    pdf_path.write_bytes(render_pdf("signatures/sample_document.html", {}))
    upper.shell(
        f"p.record_and_send(pdf_path={str(pdf_path)!r}, "
        f"p12_path={str(upper_pki.p12)!r}, passphrase={PROVINCE_PASS!r})"
    )

    # The desk sees the result and its verified signature, takes it in and returns it.
    counter = _login(browser, base, office.counter.username)
    counter.goto(dossier_page)
    _submit(counter, counter.get_by_role("link", name="Hồ sơ liên thông điện tử", exact=True))
    expect(counter.locator("main")).to_contain_text("Kết quả đã về")
    expect(counter.locator("main")).to_contain_text("Chữ ký số hợp lệ (UBND tỉnh Nghệ An)")
    _submit(
        counter,
        counter.get_by_role(
            "button", name="Nhận kết quả vào hồ sơ để trả cho người dân", exact=True
        ),
    )
    expect(counter.locator(".msg-success")).to_contain_text("Đã nhận kết quả vào hồ sơ")
    counter.goto(dossier_page)
    _submit(
        counter,
        counter.locator("#dossier-results").get_by_role("link", name="Trả kết quả", exact=True),
    )
    _submit(counter, counter.get_by_role("button", name="Xác nhận đã trả kết quả", exact=True))
    expect(counter.locator(".msg-success")).to_contain_text("Đã trả kết quả")
    dossier = Dossier.objects.get(pk=office.dossier.pk)
    assert (dossier.status, dossier.result.number) == ("returned", "15/GCN")
    # The citizen received the electronic result (the signed PDF the desk handed over).
    with dossier.result.file.open("rb") as handle:
        returned_pdf = handle.read()

    # The citizen, not logged in, checks it on the public page.
    citizen = browser.new_context().new_page()
    citizen.set_default_timeout(60_000)
    citizen.goto(f"{base}/chu-ky-so/kiem-tra-cong-khai/")
    citizen.locator("input[type=file]").set_input_files(
        {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": returned_pdf}
    )
    _submit(citizen, citizen.get_by_role("button", name="Kiểm tra", exact=True))
    expect(citizen.locator("#signature-summary")).to_contain_text("Tất cả 1 chữ ký số đều hợp lệ")
    expect(citizen.locator("#signature-report")).to_contain_text("UBND tỉnh Nghệ An")

    # A copy altered after signing is refused as not valid.
    tampered = _alter_signed_bytes(returned_pdf)
    citizen.locator("input[type=file]").set_input_files(
        {"name": "ket-qua-sua.pdf", "mimeType": "application/pdf", "buffer": tampered}
    )
    _submit(citizen, citizen.get_by_role("button", name="Kiểm tra", exact=True))
    expect(citizen.locator("#signature-summary")).to_contain_text("KHÔNG hợp lệ")
    expect(citizen.locator("#signature-report")).to_contain_text("đã bị thay đổi")


def _alter_signed_bytes(pdf: bytes) -> bytes:
    """Change one letter of the page's text operators, inside the signed byte range."""
    marker = b"/Producer"
    at = pdf.find(marker)
    assert at > 0
    return pdf[:at] + b"/Producex" + pdf[at + len(marker) :]
