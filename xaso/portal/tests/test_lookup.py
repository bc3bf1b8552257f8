"""Public dossier lookup (no login): second factor, same answer for every miss, rate limit,
no personal data, the receipt's QR link, and the public API."""

import datetime
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from xaso.dossiers.models import DossierEvent
from xaso.dossiers.notifications import public_lookup_url
from xaso.dossiers.services import processing
from xaso.dossiers.services import results
from xaso.dossiers.tests import conftest as onestop
from xaso.portal import lookup

# The one-stop fixtures (xaso/dossiers/tests/conftest.py), shared with these tests.
applicant = onestop.applicant
identified_commune = onestop.identified_commune
identified_other_commune = onestop.identified_other_commune
justice_official = onestop.justice_official
other_applicant = onestop.other_applicant
other_counter_officer = onestop.other_counter_officer
other_procedure = onestop.other_procedure
procedure = onestop.procedure
receive = onestop.receive
one_stop_alone = onestop.one_stop_alone  # autouse: approval hooks of other apps off

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=VN)
RECEIVED = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=VN)  # due 9/11/2026 17:00
PHONE = "0912345678"
CCCD = "040190004321"
URL = "/cong-khai/tra-cuu/"
API_URL = "/api/v1/public/dossiers/lookup"


@pytest.fixture(autouse=True)
def isolated_cache_and_clock(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.XASO_SMS_BACKEND = "xaso.notifications.backends.MemorySmsBackend"
    cache.clear()
    with time_machine.travel(NOW, tick=True):
        yield
    cache.clear()


@pytest.fixture
def dossier(receive, procedure, applicant):
    applicant.id_number = CCCD
    applicant.address = "Bản Hạnh Tiến, xã Quỳ Châu, tỉnh Nghệ An"
    applicant.email = "an.nguyen@example.test"
    applicant.save()
    return receive(procedure, applicant, received_at=RECEIVED)


def post(client: Client, code: str, digits: str, **extra):
    return client.post(URL, {"code": code, "digits": digits}, **extra)


def test_url_name():
    assert reverse("portal:lookup") == URL


def test_right_code_and_phone_digits_show_status_due_time_and_timeline(dossier, justice_official):
    processing.claim_step(actor=justice_official, dossier=dossier)
    processing.forward_dossier(actor=justice_official, dossier=dossier, note="Đã thẩm định")

    response = post(Client(), dossier.code, PHONE[-4:])

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="lookup-result"' in html
    assert "Đăng ký kết hôn" in html
    assert "Nguyễn T. A." in html
    assert re.search(r'id="lookup-status">Chờ lãnh đạo phê duyệt<', html)
    assert 'id="lookup-due">17:00 09/11/2026<' in html
    timeline = re.findall(r"<li><time[^>]*>([^<]+)</time>([^<]+)</li>", html)
    assert timeline[0] == ("09:00 02/11/2026", "Tiếp nhận hồ sơ")
    assert timeline[-1][1].startswith("Chuyển bước tiếp theo — Thẩm định, trình ký")
    assert "Đã thẩm định" not in html  # event notes are not public
    assert response["Cache-Control"].startswith("max-age=0")


def test_last_digits_of_the_cccd_work_too(dossier):
    response = post(Client(), f"  {dossier.code.lower()} ", CCCD[-4:])

    assert 'id="lookup-result"' in response.content.decode()


def _normalised(response, code: str) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(code, "CODE")


def test_wrong_digits_and_unknown_code_get_the_same_answer(dossier):
    client = Client()
    wrong_digits = post(client, dossier.code, "0000")
    unknown_code = post(client, "H41.16777-261102-0099", PHONE[-4:])

    assert wrong_digits.status_code == unknown_code.status_code == 200
    assert str(lookup.NOT_FOUND_MESSAGE) in wrong_digits.content.decode()
    assert _normalised(wrong_digits, dossier.code) == _normalised(
        unknown_code, "H41.16777-261102-0099"
    )
    assert 'id="lookup-result"' not in wrong_digits.content.decode()


def test_page_shows_no_personal_data(dossier, counter_officer):
    response = post(Client(), dossier.code, PHONE[-4:])

    html = response.content.decode()
    assert 'id="lookup-result"' in html
    for private in (
        PHONE,
        CCCD,
        "Bản Hạnh Tiến",
        "an.nguyen@example.test",
        "Nguyễn Thị An",
        counter_officer.full_name,  # staff names stay inside
    ):
        assert private not in html
    # The digits typed are not echoed back either.
    assert 'value="5678"' not in html


def test_rate_limit_per_address_answers_429(dossier, settings):
    settings.XASO_LOOKUP_RATE_LIMIT = 20
    client = Client()
    answers = [post(client, dossier.code, "0000").status_code for _ in range(20)]
    assert answers == [200] * 20

    blocked = post(client, dossier.code, PHONE[-4:])  # even with the right digits

    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert "Ông/Bà đã tra cứu quá nhiều lần trong thời gian ngắn." in html
    assert 'id="lookup-result"' not in html
    # The API counts in the same bucket.
    api = Client().post(
        API_URL, {"code": dossier.code, "digits": PHONE[-4:]}, content_type="application/json"
    )
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"
    # Another address is not affected; showing the empty form is not an attempt.
    assert Client().get(URL).status_code == 200
    other = post(Client(REMOTE_ADDR="192.0.2.7"), dossier.code, PHONE[-4:])
    assert other.status_code == 200
    assert 'id="lookup-result"' in other.content.decode()


def test_limit_resets_with_the_next_window(dossier, settings):
    settings.XASO_LOOKUP_RATE_LIMIT = 1
    client = Client()
    assert post(client, dossier.code, "0000").status_code == 200
    assert post(client, dossier.code, "0000").status_code == 429

    with time_machine.travel(
        NOW + datetime.timedelta(seconds=settings.XASO_LOOKUP_RATE_WINDOW_SECONDS)
    ):
        assert post(client, dossier.code, PHONE[-4:]).status_code == 200


def test_the_receipt_qr_link_opens_the_form_with_the_code(dossier):
    from xaso.dossiers.services.reception import public_lookup_url as receipt_qr_url

    qr_url = receipt_qr_url(dossier.code)
    # The fee receipt and the notices print the same address.
    assert qr_url == public_lookup_url(dossier.code)
    parts = urlsplit(qr_url)

    response = Client().get(f"{parts.path}?{parts.query}")

    assert response.status_code == 200
    assert f'value="{dossier.code}"' in response.content.decode()
    # Opening the link is not a lookup: nothing about the dossier is shown yet.
    assert 'id="lookup-result"' not in response.content.decode()


def test_closed_dossier_shows_return_and_offers_rating(
    dossier, justice_official, chairman, counter_officer
):
    processing.claim_step(actor=justice_official, dossier=dossier)
    results.record_result(
        actor=justice_official,
        dossier=dossier,
        number="12/2026/TP-KH",
        issued_on=datetime.date(2026, 11, 5),
        signer_name="Trần Văn Chủ Tịch",
        summary="",
    )
    processing.forward_dossier(actor=justice_official, dossier=dossier)
    processing.claim_step(actor=chairman, dossier=dossier)
    processing.approve_dossier(actor=chairman, dossier=dossier)
    results.return_result(
        actor=counter_officer,
        dossier=dossier,
        returned_to="Nguyễn Thị An",
        method="desk",
    )
    DossierEvent.objects.create(
        dossier=dossier, action="fee_collected", is_public=False, created_at=NOW
    )

    html = post(Client(), dossier.code, PHONE[-4:]).content.decode()

    assert 'id="lookup-status">Đã trả kết quả<' in html
    assert "10:00 20/11/2026 (Quá hạn)" in html
    labels = [
        label for _at, label in re.findall(r"<li><time[^>]*>([^<]+)</time>([^<]+)</li>", html)
    ]
    assert "Ghi nhận kết quả giải quyết" in labels
    assert labels[-1] == "Trả kết quả — Trả kết quả"
    assert "fee_collected" not in html
    assert "Thu phí" not in html
    assert 'name="token"' in html  # the rating button
    assert "Nguyễn Thị An" not in html


def test_public_api_lookup(dossier, other_counter_officer):
    client = Client()

    found = client.post(
        API_URL, {"code": dossier.code, "digits": PHONE[-4:]}, content_type="application/json"
    )
    wrong = client.post(
        API_URL, {"code": dossier.code, "digits": "0000"}, content_type="application/json"
    )
    unknown = client.post(
        API_URL,
        {"code": "H41.16777-261102-0099", "digits": PHONE[-4:]},
        content_type="application/json",
    )

    assert found.status_code == 200
    body = found.json()
    assert body["code"] == dossier.code
    assert body["applicant_name"] == "Nguyễn T. A."
    assert body["status"] == "received"
    assert datetime.datetime.fromisoformat(body["due_at"]) == dossier.due_at
    assert body["timeline"][0]["label"] == "Tiếp nhận hồ sơ"
    text = found.content.decode()
    for private in (PHONE, CCCD, "Bản Hạnh Tiến", "Nguyễn Thị An"):
        assert private not in text
    assert wrong.status_code == unknown.status_code == 404
    assert (
        wrong.json()
        == unknown.json()
        == {"code": "not_found", "detail": str(lookup.NOT_FOUND_MESSAGE)}
    )


@pytest.mark.parametrize(
    ("full_name", "kind", "masked"),
    [
        ("Nguyễn Thị An", "person", "Nguyễn T. A."),
        ("Lê Văn Bình", "person", "Lê V. B."),
        ("Đặng An", "person", "Đặng A."),
        ("Hợp tác xã Quỳ Châu", "organisation", "Hợp tác xã Quỳ Châu"),
    ],
)
def test_masked_name(full_name, kind, masked):
    from xaso.applicants.models import Applicant

    assert lookup.masked_name(Applicant(full_name=full_name, kind=kind)) == masked
