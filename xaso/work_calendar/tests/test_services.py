"""Propose, compile and publish: the rules and what they leave in the database."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.work_calendar import services
from xaso.work_calendar.models import CalendarEvent
from xaso.work_calendar.models import CalendarWeek
from xaso.work_calendar.models import PublishedRevision
from xaso.work_calendar.tests.conftest import WEEK
from xaso.work_calendar.tests.conftest import event_data

pytestmark = pytest.mark.django_db


def test_official_proposal_waits_for_the_office(official, chairman, propose):
    event = propose(official, chair=chairman, participants=[official])
    assert event.status == CalendarEvent.Status.PROPOSED
    assert event.week.start == WEEK
    assert event.week.unit == official.unit
    assert event.proposed_by == official
    assert list(event.participants.all()) == [official]
    assert event.chair_name == "Trần Văn Chủ Tịch"


def test_office_entry_goes_straight_into_the_week(office, propose):
    event = propose(office, chair_text="Đồng chí Bí thư Đảng ủy xã")
    assert event.status == CalendarEvent.Status.ACCEPTED
    assert event.chair_name == "Đồng chí Bí thư Đảng ủy xã"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"start_time": datetime.time(10, 0), "end_time": datetime.time(9, 0)},
            "end_time",
            "Giờ kết thúc phải sau giờ bắt đầu.",
        ),
        (
            {"start_time": datetime.time(10, 0), "end_time": datetime.time(10, 0)},
            "end_time",
            "Giờ kết thúc phải sau giờ bắt đầu.",
        ),
        (
            {"date": datetime.date(2026, 12, 14)},
            "date",
            (
                "Ngày 14/12/2026 không thuộc tuần từ 07/12/2026 đến 13/12/2026; "
                "hãy chọn ngày trong tuần hoặc đề xuất vào tuần khác."
            ),
        ),
        ({"chair": None, "chair_text": ""}, "chair", "Hãy chọn hoặc ghi tên người chủ trì."),
        ({"content": "  "}, "content", "Hãy ghi nội dung công việc."),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(official, overrides, field, message):
    data = event_data(**{"chair_text": "Chủ tịch UBND xã", **overrides})
    with pytest.raises(ValidationError) as excinfo:
        services.propose_event(actor=official, week_start=WEEK, data=data)
    assert excinfo.value.message_dict[field] == [message]
    assert CalendarEvent.objects.count() == 0


def test_unknown_participant_is_refused(official, other_official, chairman):
    data = event_data(chair=chairman, participants=[official.pk, other_official.pk, 999999])
    with pytest.raises(ValidationError) as excinfo:
        services.propose_event(actor=official, week_start=WEEK, data=data)
    assert excinfo.value.message_dict["participants"] == [
        (
            "Người tham dự không có trong danh sách cán bộ của đơn vị "
            f"(mã: {other_official.pk}, 999999)."
        )
    ]
    assert CalendarEvent.objects.count() == 0
    assert CalendarWeek.objects.count() == 0


def test_chair_of_another_unit_is_refused(official, other_chairman):
    with pytest.raises(ValidationError) as excinfo:
        services.propose_event(
            actor=official, week_start=WEEK, data=event_data(chair=other_chairman.pk)
        )
    assert excinfo.value.message_dict["chair"] == [
        "Người chủ trì không có trong danh sách cán bộ của đơn vị."
    ]
    assert CalendarEvent.objects.count() == 0


def test_no_position_cannot_propose(no_role):
    with pytest.raises(PermissionDenied):
        services.propose_event(actor=no_role, week_start=WEEK, data=event_data(chair_text="X"))
    assert CalendarEvent.objects.count() == 0


def test_new_events_are_placed_by_start_time_and_can_be_reordered(office, propose):
    day = WEEK + datetime.timedelta(days=2)
    late = propose(office, date=day, start_time=datetime.time(14, 0), end_time=None, chair_text="A")
    early = propose(
        office, date=day, start_time=datetime.time(7, 30), end_time=None, chair_text="A"
    )
    middle = propose(
        office, date=day, start_time=datetime.time(9, 0), end_time=None, chair_text="A"
    )

    def order() -> list[int]:
        return list(
            CalendarEvent.objects.filter(date=day).order_by("position").values_list("pk", flat=True)
        )

    assert order() == [early.pk, middle.pk, late.pk]
    services.move_event(actor=office, event=late, up=True)
    assert order() == [early.pk, late.pk, middle.pk]
    services.move_event(actor=office, event=early, up=True)  # already first: unchanged
    assert order() == [early.pk, late.pk, middle.pk]
    services.move_event(actor=office, event=early, up=False)
    assert order() == [late.pk, early.pk, middle.pk]


def test_only_the_office_compiles(official, propose):
    event = propose(official, chair_text="Chủ tịch UBND xã")
    with pytest.raises(PermissionDenied):
        services.accept_event(actor=official, event=event)
    with pytest.raises(PermissionDenied):
        services.reject_event(actor=official, event=event, reason="Trùng lịch")
    event.refresh_from_db()
    assert event.status == CalendarEvent.Status.PROPOSED


def test_reject_needs_a_reason_and_is_audited(
    office, official, propose, mailoutbox, django_capture_on_commit_callbacks
):
    event = propose(official, chair_text="Chủ tịch UBND xã")
    with pytest.raises(ValidationError) as excinfo:
        services.reject_event(actor=office, event=event, reason="   ")
    assert excinfo.value.message_dict["reason"] == ["Hãy ghi lý do không đưa sự kiện vào lịch."]
    event.refresh_from_db()
    assert event.status == CalendarEvent.Status.PROPOSED

    with django_capture_on_commit_callbacks(execute=True):
        services.reject_event(actor=office, event=event, reason="Trùng với họp Đảng ủy")
    event.refresh_from_db()
    assert event.status == CalendarEvent.Status.REJECTED
    assert event.rejection_reason == "Trùng với họp Đảng ủy"
    audit = AuditEvent.objects.get(action="work_calendar.event_rejected")
    assert audit.actor == office
    assert audit.unit == office.unit
    assert audit.data["reason"] == "Trùng với họp Đảng ủy"
    [mail] = mailoutbox
    assert mail.to == ["vanhoa@example.test"]
    assert mail.subject == "Đề xuất lịch công tác không được đưa vào lịch"
    assert mail.body == (
        'Đề xuất "Họp giao ban tuần" ngày 08/12/2026 lúc 08:00 không được đưa vào lịch công tác '
        "tuần.\nLý do: Trùng với họp Đảng ủy\nNgười tổng hợp: Phạm Văn Nam"
    )


def test_merge_joins_participants_and_preparation(office, official, chairman, propose):
    clerk_user = User.objects.create(username="vt2", full_name="Lò Thị Vân", unit=office.unit)
    target = propose(office, chair=chairman, participants=[official], preparation="Văn phòng")
    source = propose(
        official,
        chair=chairman,
        participants=[clerk_user],
        participants_text="Trưởng bản Hạnh Tiến",
        preparation="Công chức Văn hóa",
    )
    services.merge_events(actor=office, source=source, target=target)
    target.refresh_from_db()
    source.refresh_from_db()
    assert source.status == CalendarEvent.Status.MERGED
    assert source.merged_into == target
    assert set(target.participants.all()) == {official, clerk_user}
    assert target.participants_text == "Trưởng bản Hạnh Tiến"
    assert target.preparation == "Văn phòng; Công chức Văn hóa"
    assert AuditEvent.objects.filter(action="work_calendar.events_merged").count() == 1
    with pytest.raises(ValidationError):
        services.merge_events(actor=office, source=target, target=target)


def test_publish_snapshots_accepted_events_only(office, official, chairman, propose):
    accepted = propose(office, chair=chairman, participants=[official])
    propose(official, chair_text="Chủ tịch", content="Đề xuất chưa tổng hợp")
    revision = services.publish_week(actor=chairman, week=accepted.week)
    assert revision.number == 1
    assert not revision.is_adjustment
    assert revision.events == [
        {
            "id": accepted.pk,
            "date": "2026-12-08",
            "start": "08:00",
            "end": "10:30",
            "place": "Hội trường UBND xã",
            "content": "Họp giao ban tuần",
            "chair": "Trần Văn Chủ Tịch",
            "chair_id": chairman.pk,
            "participant_ids": [official.pk],
            "participants": ["Bùi Thị Hạnh"],
            "participants_text": "",
            "preparation": "Văn phòng chuẩn bị tài liệu",
            "changed": False,
        }
    ]
    assert revision.cancelled == []
    audit = AuditEvent.objects.get(action="work_calendar.week_published")
    assert audit.actor == chairman
    assert audit.data == {
        "week": "2026-12-07",
        "revision": 1,
        "events": 1,
        "changed": [],
        "removed": [],
    }


def test_change_after_publication_makes_an_adjustment_and_keeps_history(
    published_week, office, chairman, propose
):
    week = published_week.week
    with pytest.raises(services.NothingToPublishError):
        services.publish_week(actor=chairman, week=week)
    first, second = week.events.order_by("date")
    services.update_event(actor=office, event=second, data={"place": "Nhà văn hóa bản Hạnh Tiến"})
    week.refresh_from_db()
    assert week.has_unpublished_changes
    revision = services.publish_week(actor=chairman, week=week, note="Đổi địa điểm")
    assert revision.number == 2
    assert revision.is_adjustment
    assert revision.note == "Đổi địa điểm"
    assert [(e["id"], e["place"], e["changed"]) for e in revision.events] == [
        (first.pk, "Hội trường UBND xã", False),
        (second.pk, "Nhà văn hóa bản Hạnh Tiến", True),
    ]
    # The first publication is kept as it was.
    published_week.refresh_from_db()
    assert published_week.events[1]["place"] == "Bản Hạnh Tiến"
    assert PublishedRevision.objects.filter(week=week).count() == 2
    week.refresh_from_db()
    assert not week.has_unpublished_changes


def test_an_official_cannot_publish(published_week, official, office):
    week = published_week.week
    services.update_event(actor=office, event=week.events.first(), data={"place": "Khác"})
    with pytest.raises(PermissionDenied):
        services.publish_week(actor=official, week=week)
    assert PublishedRevision.objects.count() == 1


def test_proposer_edits_own_proposal_until_compiled(official, office, propose):
    event = propose(official, chair_text="Chủ tịch UBND xã")
    services.update_event(actor=official, event=event, data={"place": "Phòng họp số 2"})
    event.refresh_from_db()
    assert event.place == "Phòng họp số 2"
    services.accept_event(actor=office, event=event)
    with pytest.raises(PermissionDenied):
        services.update_event(actor=official, event=event, data={"place": "Khác"})
    event.refresh_from_db()
    assert event.place == "Phòng họp số 2"


def test_token_resets(unit_admin, official):
    from xaso.work_calendar.models import DisplayScreen

    first = services.display_screen_for(unit_id=unit_admin.unit_id).token
    regenerated = services.regenerate_display_token(actor=unit_admin)
    assert regenerated.token != first
    assert DisplayScreen.objects.get(unit=unit_admin.unit).token == regenerated.token
    with pytest.raises(PermissionDenied):
        services.regenerate_display_token(actor=official)
    old_feed = services.feed_token_for(user=official).token
    assert services.reset_feed_token(actor=official).token != old_feed
    assert AuditEvent.objects.filter(action="work_calendar.feed_token_reset").count() == 1
