"""Every page and API route of the documents app through assert_isolation: allowed, wrong
role (403), other unit (404, or 200 without this unit's data for "my unit" pages), and
anonymous (login / 401)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.documents.models import IncomingFile
from xaso.documents.models import OutgoingDocument
from xaso.documents.services import handling
from xaso.documents.services import outgoing as outgoing_service
from xaso.documents.services import workfiles
from xaso.documents.tests.conftest import VN
from xaso.documents.tests.conftest import sample_pdf

SUBJECT = "Về việc kiểm tra công tác hộ tịch năm 2026"
DRAFT_SUBJECT = "Về việc báo cáo riêng của Quỳ Châu"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=VN), tick=False)


@pytest.fixture
def people(clerk, chairman, official, land_official, unit_admin, make_staff, other_commune):
    return {
        "clerk": clerk,
        "chairman": chairman,
        "official": official,
        "land": land_official,
        "admin": unit_admin,
        "other_clerk": make_staff(other_commune, "clerk", username="vt2"),
        "other_chairman": make_staff(other_commune, "chairman", username="ct2"),
        "other_official": make_staff(other_commune, "office_statistics", username="vp2"),
    }


@pytest.fixture
def assigned(register, clerk, chairman, official):
    from xaso.documents.services import incoming as incoming_service
    from xaso.documents.uploads import check_file

    staged, _token = incoming_service.stage_file(
        actor=clerk, checked=check_file(SimpleUploadedFile("a.pdf", sample_pdf()))
    )
    document = register(medium="electronic", file=staged)
    handling.assign(
        actor=chairman,
        document=document,
        data=handling.AssignmentData(lead=official, deadline_days=0),
    )
    handling.record_progress(
        actor=official,
        document=document,
        note="Đang làm",
        file=SimpleUploadedFile("kq.pdf", b"%PDF-1.4 kq"),
        content_type="application/pdf",
    )
    return document


def _draft(official, chairman, status="draft"):
    document = outgoing_service.create_draft(
        actor=official,
        data=outgoing_service.DraftData(
            doc_type="cong_van", subject=DRAFT_SUBJECT, signer=chairman
        ),
        generate=True,
    )
    if status == "draft":
        return document
    outgoing_service.submit(actor=official, document=document)
    if status == "in_review":
        return document
    outgoing_service.approve(actor=chairman, document=document)
    if status == "approved":
        return document
    outgoing_service.sign(actor=chairman, document=document)
    return document


def _released(official, chairman, clerk):
    return outgoing_service.release(
        actor=clerk, document=_draft(official, chairman, status="signed")
    )


# The user of the other commune holding the same position as the allowed one.
OTHER = {"clerk": "other_clerk", "chairman": "other_chairman", "official": "other_official"}
# "My unit" pages: the other commune's user gets the page, without this unit's records.
MY_UNIT = {"other_unit_status": 200}


def check(people, url, allowed, wrong=None, **kwargs):
    """assert_isolation of `url` for the positions named `allowed` and `wrong`."""
    assert_isolation(
        IsolationCase(
            url=url,
            allowed=people[allowed],
            other_unit=people[OTHER[allowed]],
            wrong_role=people[wrong] if wrong else None,
            **kwargs,
        )
    )


def check_routes(people, routes):
    """Check a table of (route name, args, allowed, wrong role, options), in order."""
    for name, args, allowed, wrong, options in routes:
        check(people, reverse(f"documents:{name}", args=args), allowed, wrong, **options)


def test_incoming_pages(people, assigned):
    pk = assigned.pk
    entry = assigned.progress.get()
    # A file received through the exchange (a version of the document's files).
    received = IncomingFile.objects.create(
        document=assigned,
        name="a.pdf",
        file=assigned.file.name,
        content_type="application/pdf",
        sha256=assigned.sha256,
        is_main=True,
    )
    check_routes(
        people,
        [
            ("incoming_list", [], "clerk", "admin", {**MY_UNIT, "hidden_text": SUBJECT}),
            ("incoming_create", [], "clerk", "official", MY_UNIT),
            ("incoming_detail", [pk], "clerk", "admin", {}),
            ("incoming_file", [pk], "clerk", "admin", {}),
            ("handling_slip_pdf", [pk], "clerk", "admin", {}),
            ("progress_file", [pk, entry.pk], "official", "admin", {}),
            ("incoming_received_file", [pk, received.pk], "clerk", "admin", {}),
            ("incoming_assign", [pk], "chairman", "clerk", {}),
            (
                "incoming_progress",
                [pk],
                "official",
                "admin",
                {"method": "post", "data": {"note": "Tiếp tục"}},
            ),
        ],
    )


def test_incoming_actions(people, register):
    p = people
    presented = register(code_number="1")
    filed = register(code_number="2")
    check_routes(
        p,
        [
            (
                "incoming_present",
                [presented.pk],
                "clerk",
                "official",
                {"method": "post", "data": {"leader": p["chairman"].pk}},
            ),
            (
                "incoming_filed",
                [filed.pk],
                "chairman",
                "clerk",
                {"method": "post", "data": {"reason": "Để biết"}},
            ),
        ],
    )
    presented.refresh_from_db()
    assert presented.presented_to == p["chairman"]
    filed.refresh_from_db()
    assert filed.status == "filed"


def test_link_reply(people, assigned):
    p = people
    reply = _released(p["official"], p["chairman"], p["clerk"])
    check(
        p,
        reverse("documents:incoming_link_reply", args=[assigned.pk]),
        "official",
        "admin",
        method="post",
        data={"reply": reply.pk},
    )
    assigned.refresh_from_db()
    assert assigned.reply_document == reply


def test_work_pages(people, assigned):
    handler = {**MY_UNIT, "hidden_text": "Ngô Thị Văn Phòng"}
    check_routes(
        people,
        [
            ("inbox", [], "official", "admin", {**MY_UNIT, "hidden_text": SUBJECT}),
            ("overdue", [], "chairman", "land", handler),
            ("pending", [], "chairman", "land", handler),
        ],
    )


def test_outgoing_pages(people):
    p = people
    released = _released(p["official"], p["chairman"], p["clerk"])
    version = released.files.get()
    check_routes(
        p,
        [
            ("outgoing_list", [], "clerk", "admin", {**MY_UNIT, "hidden_text": DRAFT_SUBJECT}),
            ("outgoing_create", [], "official", "admin", MY_UNIT),
            ("outgoing_detail", [released.pk], "clerk", "admin", {}),
            ("outgoing_layout_pdf", [released.pk], "clerk", "admin", {}),
            ("outgoing_file", [released.pk, version.pk], "chairman", "admin", {}),
        ],
    )


def test_draft_editing_routes(people):
    p = people
    draft = _draft(p["official"], p["chairman"])
    attachment = SimpleUploadedFile("pl.pdf", b"%PDF-1.4 phu luc")
    check_routes(
        p,
        [
            ("outgoing_edit", [draft.pk], "official", "admin", {}),
            ("outgoing_version", [draft.pk], "official", "admin", {"method": "post"}),
            (
                "outgoing_attachment",
                [draft.pk],
                "official",
                "admin",
                {"method": "post", "data": {"file": attachment}},
            ),
            (
                "outgoing_comment",
                [draft.pk],
                "chairman",
                "admin",
                {"method": "post", "data": {"text": "Sửa đoạn 2"}},
            ),
        ],
    )
    assert draft.files.filter(kind="version").count() == 2
    assert draft.comments.get().text == "Sửa đoạn 2"


@pytest.mark.parametrize(
    ("name", "status", "allowed", "wrong", "data", "after"),
    [
        ("outgoing_submit", "draft", "official", "admin", {}, "in_review"),
        ("outgoing_approve", "in_review", "chairman", "official", {}, "approved"),
        ("outgoing_return", "in_review", "chairman", "official", {"reason": "Sửa"}, "draft"),
        ("outgoing_sign", "approved", "chairman", "official", {}, "signed"),
        ("outgoing_release", "signed", "clerk", "official", {}, "released"),
    ],
)
def test_outgoing_transitions(people, name, status, allowed, wrong, data, after):
    p = people
    document = _draft(p["official"], p["chairman"], status=status)
    check(
        p,
        reverse(f"documents:{name}", args=[document.pk]),
        allowed,
        wrong,
        method="post",
        data=data,
    )
    document.refresh_from_db()
    assert document.status == after


def test_recall_and_replace_routes(people):
    p = people
    released = _released(p["official"], p["chairman"], p["clerk"])
    check(
        p,
        reverse("documents:outgoing_recall", args=[released.pk]),
        "clerk",
        "land",
        method="post",
        data={"reason": "Sai sót"},
    )
    released.refresh_from_db()
    assert released.status == "recalled"
    check(
        p,
        reverse("documents:outgoing_replace", args=[released.pk]),
        "official",
        "admin",
        method="post",
    )
    assert OutgoingDocument.objects.filter(replaces=released).count() == 1


def test_registers_export_and_settings(people, assigned):
    p = people
    check_routes(
        p,
        [
            (name, [kind], "clerk", "land", MY_UNIT)
            for name in ("register_xlsx", "register_pdf")
            for kind in ("incoming", "outgoing", "tracking")
        ]
        + [("settings", [], "chairman", "clerk", MY_UNIT)],
    )
    client = Client()
    client.force_login(p["other_clerk"])
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("documents:register_xlsx", args=["incoming"])).content)
    )
    assert len(list(workbook["Sổ"].iter_rows(values_only=True))) == 2  # header rows only


def test_work_file_routes(people, assigned):
    p = people
    work_file = workfiles.create_work_file(
        actor=p["official"], notation="01.HT", title="Hồ sơ riêng của Quỳ Châu"
    )
    check_routes(
        p,
        [
            (
                "work_file_list",
                [],
                "official",
                "admin",
                {**MY_UNIT, "hidden_text": "Hồ sơ riêng của Quỳ Châu"},
            ),
            ("work_file_detail", [work_file.pk], "official", "admin", {}),
            (
                "work_file_add",
                [work_file.pk],
                "official",
                "admin",
                {"method": "post", "data": {"kind": "incoming", "document_id": assigned.pk}},
            ),
        ],
    )
    assert list(work_file.incoming.all()) == [assigned]


def test_api_routes(people, assigned):
    p = people
    released = _released(p["official"], p["chairman"], p["clerk"])
    api = "/api/v1/van-ban"
    listing = {"api": True, "allowed_status": 200, **MY_UNIT}
    new_document = {
        "medium": "paper",
        "issuing_body": "Huyện đoàn",
        "document_date": "2026-11-20",
        "subject": "Về việc ra quân",
        "code_number": "5",
        "code_notation": "CV-HĐ",
    }
    routes = [
        (f"{api}/den", "admin", {**listing, "hidden_text": SUBJECT}),
        (f"{api}/den/{assigned.pk}", "admin", {"api": True}),
        (f"{api}/di", "admin", {**listing, "hidden_text": DRAFT_SUBJECT}),
        (f"{api}/di/{released.pk}", "admin", {"api": True}),
        (
            f"{api}/den",
            "official",
            {
                "api": True,
                "method": "post",
                "content_type": "application/json",
                "data": new_document,
                "allowed_status": 201,
                "other_unit_status": 201,
            },
        ),
    ]
    for url, wrong, options in routes:
        check(p, url, "clerk", wrong, **options)
