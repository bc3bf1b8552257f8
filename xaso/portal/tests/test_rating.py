"""Satisfaction ratings: online and at the kiosk, once per dossier, and the scores of each
official and of the unit (TT 01/2018 Đ15), with hand-computed expected values."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import Rating
from xaso.dossiers.services import ratings
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

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=VN)  # Friday
PHONE_DIGITS = "5678"  # the `applicant` fixture's phone is 0912345678
RATING_URL = "/cong-khai/danh-gia/"
GOOD = {
    "time_score": "2",
    "visits_score": "2",
    "bodies_score": "1",
    "attitude_score": "2",
    "is_satisfied": "1",
    "comment": "Cán bộ hướng dẫn tận tình",
}


@pytest.fixture(autouse=True)
def isolated_cache_and_clock(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.XASO_SMS_BACKEND = "xaso.notifications.backends.MemorySmsBackend"
    cache.clear()
    with time_machine.travel(NOW, tick=True):
        yield
    cache.clear()


@pytest.fixture
def culture_official(commune, make_staff):
    return make_staff(commune, "culture_social", username="vanhoa", full_name="Lê Văn Văn Hóa")


@pytest.fixture
def close(receive, procedure, applicant, counter_officer, chairman, justice_official):
    """close(processed_by=…, returned_at=…, method=…) → a dossier received, processed,
    approved by the chairman and returned by the counter officer (the steps are walked
    through the ORM; the result and the return go through the services)."""

    def make(
        *,
        processed_by=None,
        returned_at: datetime.datetime | None = None,
        method: str = "desk",
        proc=None,
        appl=None,
        receiver=None,
        approver=None,
        returner=None,
    ) -> Dossier:
        receiver = receiver or counter_officer
        dossier = receive(proc or procedure, appl or applicant, actor=receiver)
        finishers = {
            "processing": processed_by or justice_official,
            "approval": approver or chairman,
        }
        for step in dossier.steps.exclude(status=DossierStep.Status.DONE):
            if step.kind == "return":
                step.status = DossierStep.Status.ACTIVE
                step.started_at = dossier.received_at
                dossier.current_step = step
            else:
                step.status = DossierStep.Status.DONE
                step.assignee = step.finished_by = finishers[step.kind]
                step.finished_at = dossier.received_at
            step.save()
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Dossier.Status.RESULT_READY,
            result_ready_at=dossier.received_at,
            current_step=dossier.current_step,
        )
        dossier.refresh_from_db()
        results.record_result(
            actor=approver or chairman,
            dossier=dossier,
            number=f"{dossier.pk}/2026",
            issued_on=NOW.date(),
            signer_name="Trần Văn Chủ Tịch",
            summary="",
        )
        return results.return_result(
            actor=returner or receiver,
            dossier=dossier,
            returned_to="Nguyễn Thị An",
            method=method,
            postal_tracking_number="EA123456789VN" if method == "post" else "",
            returned_at=returned_at,
        )

    return make


def rate(dossier, time_score, visits_score, bodies_score, attitude_score, is_satisfied=True):
    return ratings.submit_rating(
        dossier=dossier,
        channel=Rating.Channel.ONLINE,
        time_score=time_score,
        visits_score=visits_score,
        bodies_score=bodies_score,
        attitude_score=attitude_score,
        is_satisfied=is_satisfied,
    )


# --- online ----------------------------------------------------------------------------------


def test_online_rating_after_verifying_code_and_digits(close):
    dossier = close()
    client = Client()

    verified = client.post(
        RATING_URL, {"step": "verify", "code": dossier.code, "digits": PHONE_DIGITS}
    )

    assert verified.status_code == 200
    html = verified.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert "Hồ sơ của Ông/Bà được trả kết quả so với ngày hẹn như thế nào?" in html
    assert "Nguyễn Thị An" not in html

    done = client.post(RATING_URL, {"step": "rate", "token": token, **GOOD})

    assert done.status_code == 200
    assert 'id="rating-thanks"' in done.content.decode()
    rating = Rating.objects.get(dossier=dossier)
    assert (
        rating.channel,
        rating.time_score,
        rating.visits_score,
        rating.bodies_score,
        rating.attitude_score,
        rating.is_satisfied,
        rating.comment,
    ) == ("online", 2, 2, 1, 2, True, "Cán bộ hướng dẫn tận tình")
    event = dossier.events.get(action="rated")
    assert event.is_public is False
    assert event.actor is None

    # Once per dossier: the same token, or a new verification, is refused.
    again = client.post(RATING_URL, {"step": "rate", "token": token, **GOOD})
    assert "Hồ sơ này đã được đánh giá." in again.content.decode()
    reverified = client.post(
        RATING_URL, {"step": "verify", "code": dossier.code, "digits": PHONE_DIGITS}
    )
    assert 'id="rating-refusal"' in reverified.content.decode()
    assert Rating.objects.count() == 1


def test_rating_from_the_lookup_page_button(close):
    dossier = close()
    client = Client()
    lookup_page = client.post("/cong-khai/tra-cuu/", {"code": dossier.code, "digits": PHONE_DIGITS})
    token = re.search(r'name="token" value="([^"]+)"', lookup_page.content.decode()).group(1)

    form = client.post(RATING_URL, {"step": "start", "token": token})
    assert "Gửi đánh giá" in form.content.decode()
    client.post(RATING_URL, {"step": "rate", "token": token, **GOOD})

    assert Rating.objects.filter(dossier=dossier, channel="online").exists()


def test_open_dossier_cannot_be_rated_yet(receive, procedure, applicant):
    dossier = receive(procedure, applicant)

    response = Client().post(
        RATING_URL, {"step": "verify", "code": dossier.code, "digits": PHONE_DIGITS}
    )

    assert "Hồ sơ chưa kết thúc giải quyết nên chưa thể đánh giá." in response.content.decode()
    assert 'name="token"' not in response.content.decode()


def test_wrong_digits_tampered_token_and_bad_scores_save_nothing(close):
    dossier = close()
    client = Client()

    wrong = client.post(RATING_URL, {"step": "verify", "code": dossier.code, "digits": "0000"})
    assert str(lookup.NOT_FOUND_MESSAGE) in wrong.content.decode()

    forged = client.post(RATING_URL, {"step": "rate", "token": f"{dossier.pk}:forged", **GOOD})
    assert "Phiên đánh giá đã hết hạn" in forged.content.decode()

    verified = client.post(
        RATING_URL, {"step": "verify", "code": dossier.code, "digits": PHONE_DIGITS}
    )
    token = re.search(r'name="token" value="([^"]+)"', verified.content.decode()).group(1)
    bad = client.post(RATING_URL, {"step": "rate", "token": token, **GOOD, "time_score": "3"})
    assert bad.status_code == 200
    assert 'name="token"' in bad.content.decode()  # the form again, with the error

    assert not Rating.objects.exists()


def test_online_verification_is_rate_limited(close, settings):
    settings.XASO_LOOKUP_RATE_LIMIT = 2
    dossier = close()
    client = Client()
    for _ in range(2):
        client.post(RATING_URL, {"step": "verify", "code": dossier.code, "digits": "0000"})

    blocked = client.post(
        RATING_URL, {"step": "verify", "code": dossier.code, "digits": PHONE_DIGITS}
    )

    assert blocked.status_code == 429
    assert 'name="token"' not in blocked.content.decode()


def test_submit_rating_rules(close, receive, procedure, applicant):
    open_dossier = receive(procedure, applicant)
    with pytest.raises(ratings.NotRateableError):
        rate(open_dossier, 2, 2, 2, 2)
    dossier = close()
    with pytest.raises(ValidationError):
        rate(dossier, 3, 2, 2, 2)
    with pytest.raises(ValidationError):
        ratings.submit_rating(
            dossier=dossier,
            channel="phone",
            time_score=2,
            visits_score=2,
            bodies_score=2,
            attitude_score=2,
            is_satisfied=True,
        )
    rate(dossier, 2, 2, 2, 2)
    with pytest.raises(ratings.AlreadyRatedError):
        rate(dossier, 0, 0, 0, 0, is_satisfied=False)
    assert Rating.objects.get().time_score == 2


# --- kiosk -----------------------------------------------------------------------------------


def test_kiosk_lists_todays_desk_returns_by_code_and_rates_them(close, commune):
    today = close()
    rated_already = close()
    rate(rated_already, 1, 1, 1, 1)
    yesterday = close(returned_at=NOW - datetime.timedelta(days=1))
    by_post = close(method="post")
    url = reverse("portal:kiosk", args=[commune.code])
    client = Client()

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert re.findall(r'<button type="submit">([^<]+)</button>', html) == [today.code]
    for hidden in (rated_already.code, yesterday.code, by_post.code, "Nguyễn Thị An", "0912345678"):
        assert hidden not in html

    form = client.get(url, {"ma": today.code})
    assert "Thái độ của cán bộ khi hướng dẫn, tiếp nhận và trả kết quả?" in form.content.decode()
    done = client.post(url, {"ma": today.code, **GOOD, "is_satisfied": "0"})

    assert 'id="kiosk-thanks"' in done.content.decode()
    rating = Rating.objects.get(dossier=today)
    assert (rating.channel, rating.is_satisfied) == ("kiosk", False)
    assert today.code not in client.get(url).content.decode()


def test_kiosk_refuses_codes_not_in_todays_list(close, commune):
    yesterday = close(returned_at=NOW - datetime.timedelta(days=1))
    url = reverse("portal:kiosk", args=[commune.code])

    response = Client().post(url, {"ma": yesterday.code, **GOOD})

    assert "không có trong danh sách đánh giá hôm nay" in response.content.decode()
    assert not Rating.objects.exists()


def test_kiosk_of_another_unit_does_not_list_this_units_dossiers(close, identified_other_commune):
    close()

    other = Client().get(reverse("portal:kiosk", args=[identified_other_commune.code]))

    assert other.status_code == 200
    assert 'id="kiosk-empty"' in other.content.decode()


def test_kiosk_of_an_unknown_or_unhosted_unit_is_not_found(db):
    assert Client().get("/cong-khai/kiosk/99999/").status_code == 404
    # Xã Tiền Phong exists in the national list but is not hosted unless a fixture says so.
    from xaso.core.models import AdministrativeUnit

    unhosted = AdministrativeUnit.objects.communes().filter(is_hosted=False).first()
    assert Client().get(f"/cong-khai/kiosk/{unhosted.code}/").status_code == 404


# --- scores ----------------------------------------------------------------------------------


@pytest.fixture
def four_rated(close, justice_official, culture_official):
    """Four returned dossiers, all received (and returned) by the counter officer and
    approved by the chairman; processed by the justice official (1, 2) or the culture
    official (3, 4). Ratings (time, visits, bodies, attitude, satisfied):
    1: 2 2 1 2 yes · 2: 1 2 1 1 yes · 3: 1 1 1 1 no · 4: 1 0 2 0 no."""
    rows = [
        (justice_official, (2, 2, 1, 2, True)),
        (justice_official, (1, 2, 1, 1, True)),
        (culture_official, (1, 1, 1, 1, False)),
        (culture_official, (1, 0, 2, 0, False)),
    ]
    for official, scores in rows:
        rate(close(processed_by=official), *scores)


def test_scores_per_unit_and_per_official(
    four_rated,
    chairman,
    counter_officer,
    justice_official,
    culture_official,
    close,
    other_procedure,
    other_applicant,
    other_counter_officer,
    make_staff,
    other_commune,
):
    # Not counted: a rating outside the period, and one of another unit.
    outside = close()
    rate(outside, 0, 0, 0, 0, is_satisfied=False)
    Rating.objects.filter(dossier=outside).update(created_at=NOW - datetime.timedelta(days=60))
    other_chairman = make_staff(other_commune, "chairman", username="chutich_khac")
    other_official = make_staff(other_commune, "justice_civil_status", username="tuphap_khac")
    rate(
        close(
            proc=other_procedure,
            appl=other_applicant,
            receiver=other_counter_officer,
            processed_by=other_official,
            approver=other_chairman,
        ),
        0,
        0,
        0,
        0,
        False,
    )

    stats = ratings.rating_statistics_for(
        user=chairman, date_from=datetime.date(2026, 10, 1), date_to=datetime.date(2026, 12, 31)
    )

    def row(summary):
        return (
            summary.count,
            [summary.averages[name] for name in ratings.SCORE_FIELDS],
            summary.total,
            summary.satisfied_percent,
        )

    # Unit: time (2+1+1+1)/4 = 1.25 → 1.3 (half up), visits (2+2+1+0)/4 = 1.25 → 1.3,
    # bodies (1+1+1+2)/4 = 1.25 → 1.3, attitude (2+1+1+0)/4 = 1.0; total 4.9; 2/4 satisfied.
    everything = (
        4,
        [Decimal("1.3"), Decimal("1.3"), Decimal("1.3"), Decimal("1.0")],
        Decimal("4.9"),
        Decimal("50.0"),
    )
    assert row(stats.unit_summary) == everything
    by_official = {scores.official: row(scores.summary) for scores in stats.officials}
    assert set(by_official) == {counter_officer, chairman, justice_official, culture_official}
    # The receiver (who also finished every return step) and the approver: every dossier, once.
    assert by_official[counter_officer] == everything
    assert by_official[chairman] == everything
    # Justice official, dossiers 1 and 2: 3/2 = 1.5, 4/2 = 2.0, 2/2 = 1.0, 3/2 = 1.5; total 6.0.
    assert by_official[justice_official] == (
        2,
        [Decimal("1.5"), Decimal("2.0"), Decimal("1.0"), Decimal("1.5")],
        Decimal("6.0"),
        Decimal("100.0"),
    )
    # Culture official, dossiers 3 and 4: 2/2 = 1.0, 1/2 = 0.5, 3/2 = 1.5, 1/2 = 0.5; total 3.5.
    assert by_official[culture_official] == (
        2,
        [Decimal("1.0"), Decimal("0.5"), Decimal("1.5"), Decimal("0.5")],
        Decimal("3.5"),
        Decimal("0.0"),
    )


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [(5, 4, "1.3"), (9, 4, "2.3"), (4, 3, "1.3"), (5, 3, "1.7"), (3, 2, "1.5"), (0, 5, "0.0")],
)
def test_average_rounds_half_up_to_one_decimal(total, count, expected):
    assert ratings.average(total, count) == Decimal(expected)
    assert ratings.average(total, 0) is None


def test_statistics_page_shows_unit_and_official_scores(four_rated, client_as, chairman):
    response = client_as(chairman).get(
        reverse("dossiers:rating_statistics"), {"date_from": "2026-10-01", "date_to": "2026-12-31"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    unit_row = re.search(r'id="unit-scores">.*?<tbody><tr>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", unit_row) == [
        "4",
        "1,3",
        "1,3",
        "1,3",
        "1,0",
        "4,9",
        "50,0 %",
    ]
    assert "Lê Văn Văn Hóa" in html
    assert "Đặng Văn An" in html


def test_isolation_of_the_statistics_page(
    four_rated, chairman, counter_officer, other_commune, make_staff
):
    other_chairman = make_staff(other_commune, "chairman", username="chutich_khac")

    assert_isolation(
        IsolationCase(
            url=reverse("dossiers:rating_statistics"),
            allowed=chairman,
            wrong_role=counter_officer,  # no view_all_dossiers
            other_unit=other_chairman,
            other_unit_status=200,
            hidden_text="Đặng Văn An",
            allowed_status=200,
        )
    )
