"""Every page and API route of the documents app through assert_isolation: allowed, wrong
role (403), other unit (404, or 200 without this unit's data for "my unit" pages), and
anonymous (login / 401)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
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


def check(url, allowed, other, wrong=None, **kwargs):
    assert_isolation(
        IsolationCase(url=url, allowed=allowed, other_unit=other, wrong_role=wrong, **kwargs)
    )


def test_incoming_pages(people, assigned):
    p = people
    pk = assigned.pk
    check(
        reverse("documents:incoming_list"),
        p["clerk"],
        p["other_clerk"],
        p["admin"],
        other_unit_status=200,
        hidden_text=SUBJECT,
    )
    check(
        reverse("documents:incoming_create"),
        p["clerk"],
        p["other_clerk"],
        p["official"],
        other_unit_status=200,
    )
    for name in ("incoming_detail", "incoming_file", "handling_slip_pdf"):
        check(reverse(f"documents:{name}", args=[pk]), p["clerk"], p["other_clerk"], p["admin"])
    entry = assigned.progress.get()
    check(
        reverse("documents:progress_file", args=[pk, entry.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
    )
    check(
        reverse("documents:incoming_assign", args=[pk]),
        p["chairman"],
        p["other_chairman"],
        p["clerk"],
    )
    check(
        reverse("documents:incoming_progress", args=[pk]),
        p["official"],
        p["other_official"],
        p["admin"],
        method="post",
        data={"note": "Tiếp tục"},
    )


def test_incoming_actions(people, register):
    p = people
    presented = register(code_number="1")
    check(
        reverse("documents:incoming_present", args=[presented.pk]),
        p["clerk"],
        p["other_clerk"],
        p["official"],
        method="post",
        data={"leader": p["chairman"].pk},
    )
    presented.refresh_from_db()
    assert presented.presented_to == p["chairman"]
    filed = register(code_number="2")
    check(
        reverse("documents:incoming_filed", args=[filed.pk]),
        p["chairman"],
        p["other_chairman"],
        p["clerk"],
        method="post",
        data={"reason": "Để biết"},
    )
    filed.refresh_from_db()
    assert filed.status == "filed"


def test_link_reply(people, assigned):
    p = people
    reply = _released(p["official"], p["chairman"], p["clerk"])
    check(
        reverse("documents:incoming_link_reply", args=[assigned.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
        method="post",
        data={"reply": reply.pk},
    )
    assigned.refresh_from_db()
    assert assigned.reply_document == reply


def test_work_pages(people, assigned):
    p = people
    check(
        reverse("documents:inbox"),
        p["official"],
        p["other_official"],
        p["admin"],
        other_unit_status=200,
        hidden_text=SUBJECT,
    )
    for name in ("overdue", "pending"):
        check(
            reverse(f"documents:{name}"),
            p["chairman"],
            p["other_chairman"],
            p["land"],
            other_unit_status=200,
            hidden_text="Ngô Thị Văn Phòng",
        )


def test_outgoing_pages(people):
    p = people
    released = _released(p["official"], p["chairman"], p["clerk"])
    check(
        reverse("documents:outgoing_list"),
        p["clerk"],
        p["other_clerk"],
        p["admin"],
        other_unit_status=200,
        hidden_text=DRAFT_SUBJECT,
    )
    check(
        reverse("documents:outgoing_create"),
        p["official"],
        p["other_official"],
        p["admin"],
        other_unit_status=200,
    )
    check(
        reverse("documents:outgoing_detail", args=[released.pk]),
        p["clerk"],
        p["other_clerk"],
        p["admin"],
    )
    check(
        reverse("documents:outgoing_layout_pdf", args=[released.pk]),
        p["clerk"],
        p["other_clerk"],
        p["admin"],
    )
    version = released.files.get()
    check(
        reverse("documents:outgoing_file", args=[released.pk, version.pk]),
        p["chairman"],
        p["other_chairman"],
        p["admin"],
    )


def test_draft_editing_routes(people):
    p = people
    draft = _draft(p["official"], p["chairman"])
    check(
        reverse("documents:outgoing_edit", args=[draft.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
    )
    check(
        reverse("documents:outgoing_version", args=[draft.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
        method="post",
    )
    assert draft.files.filter(kind="version").count() == 2
    check(
        reverse("documents:outgoing_attachment", args=[draft.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
        method="post",
        data={"file": SimpleUploadedFile("pl.pdf", b"%PDF-1.4 phu luc")},
    )
    check(
        reverse("documents:outgoing_comment", args=[draft.pk]),
        p["chairman"],
        p["other_chairman"],
        p["admin"],
        method="post",
        data={"text": "Sửa đoạn 2"},
    )
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
    other = {"official": "other_official", "chairman": "other_chairman", "clerk": "other_clerk"}
    check(
        reverse(f"documents:{name}", args=[document.pk]),
        p[allowed],
        p[other[allowed]],
        p[wrong],
        method="post",
        data=data,
    )
    document.refresh_from_db()
    assert document.status == after


def test_recall_and_replace_routes(people):
    p = people
    released = _released(p["official"], p["chairman"], p["clerk"])
    check(
        reverse("documents:outgoing_recall", args=[released.pk]),
        p["clerk"],
        p["other_clerk"],
        p["land"],
        method="post",
        data={"reason": "Sai sót"},
    )
    released.refresh_from_db()
    assert released.status == "recalled"
    check(
        reverse("documents:outgoing_replace", args=[released.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
        method="post",
    )
    assert OutgoingDocument.objects.filter(replaces=released).count() == 1


def test_registers_export_and_settings(people, assigned):
    p = people
    for name in ("register_xlsx", "register_pdf"):
        for kind in ("incoming", "outgoing", "tracking"):
            check(
                reverse(f"documents:{name}", args=[kind]),
                p["clerk"],
                p["other_clerk"],
                p["land"],
                other_unit_status=200,
            )
    other_export = p["other_clerk"]
    from django.test import Client

    client = Client()
    client.force_login(other_export)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("documents:register_xlsx", args=["incoming"])).content)
    )
    assert len(list(workbook["Sổ"].iter_rows(values_only=True))) == 2  # header rows only
    check(
        reverse("documents:settings"),
        p["chairman"],
        p["other_chairman"],
        p["clerk"],
        other_unit_status=200,
    )


def test_work_file_routes(people, assigned):
    p = people
    work_file = workfiles.create_work_file(
        actor=p["official"], notation="01.HT", title="Hồ sơ riêng của Quỳ Châu"
    )
    check(
        reverse("documents:work_file_list"),
        p["official"],
        p["other_official"],
        p["admin"],
        other_unit_status=200,
        hidden_text="Hồ sơ riêng của Quỳ Châu",
    )
    check(
        reverse("documents:work_file_detail", args=[work_file.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
    )
    check(
        reverse("documents:work_file_add", args=[work_file.pk]),
        p["official"],
        p["other_official"],
        p["admin"],
        method="post",
        data={"kind": "incoming", "document_id": assigned.pk},
    )
    assert list(work_file.incoming.all()) == [assigned]


def test_api_routes(people, assigned):
    p = people
    released = _released(p["official"], p["chairman"], p["clerk"])
    api = "/api/v1/van-ban"
    check(
        f"{api}/den",
        p["clerk"],
        p["other_clerk"],
        p["admin"],
        api=True,
        allowed_status=200,
        other_unit_status=200,
        hidden_text=SUBJECT,
    )
    check(f"{api}/den/{assigned.pk}", p["clerk"], p["other_clerk"], p["admin"], api=True)
    check(
        f"{api}/di",
        p["clerk"],
        p["other_clerk"],
        p["admin"],
        api=True,
        allowed_status=200,
        other_unit_status=200,
        hidden_text=DRAFT_SUBJECT,
    )
    check(f"{api}/di/{released.pk}", p["clerk"], p["other_clerk"], p["admin"], api=True)
    check(
        f"{api}/den",
        p["clerk"],
        p["other_clerk"],
        p["official"],
        api=True,
        method="post",
        content_type="application/json",
        data={
            "medium": "paper",
            "issuing_body": "Huyện đoàn",
            "document_date": "2026-11-20",
            "subject": "Về việc ra quân",
            "code_number": "5",
            "code_notation": "CV-HĐ",
        },
        allowed_status=201,
        other_unit_status=201,
    )
