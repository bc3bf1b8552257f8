"""Outgoing documents: draft, review, approval, signing, numbering at release, recall."""

import datetime
import io
import threading
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from xaso.core.exceptions import DomainError
from xaso.core.testing import compiled_catalogues
from xaso.documents.models import DocumentSettings
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import OutgoingFile
from xaso.documents.services import outgoing as service
from xaso.documents.tests.conftest import VN
from xaso.documents.tests.conftest import upload
from xaso.documents.uploads import DRAFT_TYPES
from xaso.documents.uploads import check_file

S = OutgoingDocument.Status


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=VN), tick=False)


def draft(actor, chairman, doc_type="cong_van", **overrides) -> OutgoingDocument:
    data = service.DraftData(
        doc_type=doc_type,
        subject=overrides.pop("subject", "Về việc báo cáo công tác hộ tịch"),
        body="Ủy ban nhân dân xã báo cáo như sau.\n\nĐề nghị Sở xem xét.",
        recipients_text="Sở Tư pháp tỉnh Nghệ An",
        signer=chairman,
        signer_title="Chủ tịch",
        **overrides,
    )
    return service.create_draft(actor=actor, data=data, generate=True)


def to_signed(document, chairman, official):
    service.submit(actor=official, document=document)
    service.approve(actor=chairman, document=document)
    return service.sign(actor=chairman, document=document)


def test_cong_van_is_numbered_issuer_drafting_unit_at_release(
    official, chairman, clerk, land_official, clock
):
    document = draft(
        official,
        chairman,
        internal_recipients=[land_official],
        external_recipients=[("000.00.00.H41", "UBND tỉnh Nghệ An")],
    )
    assert document.status == S.DRAFT
    version = document.files.get(kind=OutgoingFile.Kind.VERSION)
    assert (version.version, version.generated, version.content_type) == (
        1,
        True,
        "application/pdf",
    )
    assert document.number is None

    with pytest.raises(DomainError):
        service.release(actor=clerk, document=document)  # not signed yet
    to_signed(document, chairman, official)
    released = service.release(actor=clerk, document=document)

    assert released.status == S.RELEASED
    assert (released.number, released.notation) == (1, "UBND-VP")
    assert released.number_notation == "01/UBND-VP"
    assert released.issued_on == datetime.date(2026, 11, 25)
    assert released.series == "all"
    assert released.signed_by == chairman
    assert released.distributions.get().delivered_at is not None
    assert released.external_recipients.get().organ_id == "000.00.00.H41"

    text = pdf_text(service.render_layout(released))
    assert "Số: 01/UBND-VP" in text
    assert "V/v Về việc báo cáo công tác hộ tịch" in text
    assert "Quỳ Châu, ngày 25 tháng 11 năm 2026" in text
    assert "ỦY BAN NHÂN DÂN XÃ QUỲ CHÂU" in text


def test_typed_documents_use_the_abbreviation_then_the_issuer(official, chairman, clerk, clock):
    decision = draft(official, chairman, doc_type="quyet_dinh", subject="Về việc thành lập tổ")
    plan = draft(official, chairman, doc_type="ke_hoach", subject="Triển khai chuyển đổi số")
    for document in (decision, plan):
        to_signed(document, chairman, official)
        service.release(actor=clerk, document=document)
    decision.refresh_from_db()
    plan.refresh_from_db()
    # One series for all administrative documents (default setting).
    assert decision.number_notation == "01/QĐ-UBND"
    assert plan.number_notation == "02/KH-UBND"
    assert "Số: 01/QĐ-UBND" in pdf_text(service.render_layout(decision))


def test_per_type_series_and_a_separate_secret_series(official, chairman, clerk, commune, clock):
    DocumentSettings.objects.create(unit=commune, numbering=DocumentSettings.Numbering.PER_TYPE)
    released = []
    for doc_type, secrecy in [
        ("quyet_dinh", "normal"),
        ("thong_bao", "normal"),
        ("quyet_dinh", "normal"),
        ("quyet_dinh", "confidential"),
    ]:
        document = draft(official, chairman, doc_type=doc_type, secrecy=secrecy)
        to_signed(document, chairman, official)
        released.append(service.release(actor=clerk, document=document))

    assert [(d.series, d.number_notation) for d in released] == [
        ("quyet_dinh", "01/QĐ-UBND"),
        ("thong_bao", "01/TB-UBND"),
        ("quyet_dinh", "02/QĐ-UBND"),
        ("secret.quyet_dinh", "01/QĐ-UBND"),
    ]


def test_only_the_chosen_signer_signs_and_only_leaders_approve(
    official, chairman, vice_chairman, clock
):
    document = draft(official, chairman)
    service.submit(actor=official, document=document)
    with pytest.raises(PermissionDenied):
        service.approve(actor=official, document=document)
    service.approve(actor=vice_chairman, document=document)
    with pytest.raises(DomainError):
        service.sign(actor=vice_chairman, document=document)
    document.refresh_from_db()
    assert document.status == S.APPROVED
    assert document.signed_at is None


def test_return_versions_and_comments(official, chairman, clock):
    document = draft(official, chairman)
    service.submit(actor=official, document=document)
    with pytest.raises(ValidationError):
        service.return_draft(actor=chairman, document=document, reason=" ")
    service.return_draft(actor=chairman, document=document, reason="Bổ sung số liệu tháng 10.")
    document.refresh_from_db()
    assert document.status == S.DRAFT
    service.add_version(
        actor=official,
        document=document,
        file=check_file(upload(docx_bytes(), "du-thao.docx"), accepted=DRAFT_TYPES),
    )
    service.comment(actor=chairman, document=document, text="Được.")
    versions = list(
        document.files.filter(kind="version")
        .order_by("version")
        .values_list("version", "content_type")
    )
    assert versions == [
        (1, "application/pdf"),
        (2, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    assert [c.text for c in document.comments.all()] == [
        "Bổ sung số liệu tháng 10.",
        "Được.",
    ]
    assert document.comments.last().version == 2


def test_a_zip_renamed_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(ValidationError) as error:
        check_file(upload(buffer.getvalue(), "du-thao.docx"), accepted=DRAFT_TYPES)
    assert "tệp nén ZIP" in error.value.messages[0]


def test_recall_and_replacement(official, chairman, clerk, clock):
    original = draft(official, chairman, doc_type="thong_bao")
    to_signed(original, chairman, official)
    service.release(actor=clerk, document=original)
    with pytest.raises(ValidationError):
        service.recall(actor=clerk, document=original, reason="")
    service.recall(actor=clerk, document=original, reason="Sai thời gian họp")
    original.refresh_from_db()
    assert original.status == S.RECALLED
    assert "Sai thời gian họp" in original.note

    replacement = service.start_replacement(actor=official, document=original)
    assert replacement.replaces == original
    to_signed(replacement, chairman, official)
    service.release(actor=clerk, document=replacement)
    original.refresh_from_db()
    replacement.refresh_from_db()
    assert original.status == S.REPLACED
    assert replacement.number_notation == "02/TB-UBND"


def test_bad_draft_is_refused_and_nothing_saved(official, chairman, other_official):
    with pytest.raises(ValidationError) as error:
        service.create_draft(
            actor=official,
            data=service.DraftData(
                doc_type="quyet_dinh",
                subject="",
                signer=official,
                internal_recipients=[other_official],
                external_recipients=[("h41 sai", "UBND tỉnh")],
            ),
            generate=True,
        )
    assert set(error.value.message_dict) == {
        "subject",
        "signer",
        "internal_recipients",
        "external_recipients",
    }
    assert not OutgoingDocument.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_releases_never_repeat_or_skip_an_outgoing_number(official, chairman, clerk):
    documents = [draft(official, chairman, doc_type="quyet_dinh") for _ in range(24)]
    for document in documents:
        to_signed(document, chairman, official)
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def worker(chunk: list[OutgoingDocument]) -> None:
        try:
            barrier.wait()
            for document in chunk:
                service.release(actor=clerk, document=document)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(documents[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 25))


# --- pages ----------------------------------------------------------------------------


def test_end_to_end_reply_in_the_browser_pages(
    client_as, register, clerk, chairman, official, clock
):
    """The chairman assigns an incoming document; the official answers with a công văn
    numbered N/UBND-VP; the clerk releases it and both are linked."""
    incoming = register()
    client_as(chairman).post(
        reverse("documents:incoming_assign", args=[incoming.pk]),
        {"lead": official.pk, "deadline_days": "5"},
    )
    create_url = reverse("documents:outgoing_create") + f"?tra-loi={incoming.pk}"
    form_page = client_as(official).get(create_url)
    assert "Trả lời văn bản số 12/QĐ-STP" in form_page.content.decode()

    bad = client_as(official).post(
        create_url, {"doc_type": "cong_van", "subject": "", "urgency": "normal"}
    )
    assert bad.status_code == 200
    assert not OutgoingDocument.objects.exists()

    response = client_as(official).post(
        create_url,
        {
            "reply_to": incoming.pk,
            "doc_type": "cong_van",
            "subject": "Trả lời về công tác hộ tịch",
            "body": "Ủy ban nhân dân xã trả lời như sau.",
            "generate": "on",
            "drafting_unit_abbreviation": "VP",
            "urgency": "normal",
            "secrecy": "normal",
            "signer": chairman.pk,
            "recipients_text": "Sở Tư pháp tỉnh Nghệ An",
            "archive_keeper": "Lưu: VT, VP",
            "copies": "2",
        },
    )
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302
    assert document.reply_to == incoming

    def post(user, name):
        return client_as(user).post(reverse(f"documents:{name}", args=[document.pk]))

    assert post(official, "outgoing_submit").status_code == 302
    assert post(chairman, "outgoing_approve").status_code == 302
    assert post(chairman, "outgoing_sign").status_code == 302
    assert post(clerk, "outgoing_release").status_code == 302
    document.refresh_from_db()
    incoming.refresh_from_db()
    assert document.number_notation == "01/UBND-VP"
    assert incoming.reply_document == document
    detail = client_as(official).get(reverse("documents:outgoing_detail", args=[document.pk]))
    assert "Số: 01/UBND-VP" in detail.content.decode()
    layout = client_as(clerk).get(reverse("documents:outgoing_layout_pdf", args=[document.pk]))
    assert "Số: 01/UBND-VP" in pdf_text(layout.content)
    version = document.files.get()
    assert (
        client_as(chairman)
        .get(reverse("documents:outgoing_file", args=[document.pk, version.pk]))
        .status_code
        == 200
    )


def test_release_before_signing_shows_a_message_and_changes_nothing(
    client_as, official, chairman, clerk, clock
):
    document = draft(official, chairman)
    response = client_as(clerk).post(
        reverse("documents:outgoing_release", args=[document.pk]), follow=True
    )
    assert "Văn bản phải được ký trước khi cấp số, ban hành." in response.content.decode()
    document.refresh_from_db()
    assert document.number is None
    assert document.status == S.DRAFT


def test_internal_recipient_sees_the_released_document_and_its_reading_is_recorded(
    client_as, official, chairman, clerk, land_official, clock
):
    document = draft(official, chairman, internal_recipients=[land_official])
    url = reverse("documents:outgoing_detail", args=[document.pk])
    assert client_as(land_official).get(url).status_code == 404  # not delivered yet
    to_signed(document, chairman, official)
    service.release(actor=clerk, document=document)

    inbox = client_as(land_official).get(reverse("documents:inbox")).content.decode()
    assert "01/UBND-VP" in inbox
    assert client_as(land_official).get(url).status_code == 200
    distribution = document.distributions.get()
    assert distribution.read_at is not None
    assert "đã xem" in client_as(official).get(url).content.decode()


def test_draft_fields_are_edited_until_approval(client_as, official, chairman, clerk, clock):
    document = draft(official, chairman, doc_type="giay_moi", subject="Mời họp giao ban")
    url = reverse("documents:outgoing_edit", args=[document.pk])
    page = client_as(official).get(url)
    assert 'name="file"' not in page.content.decode()
    data = {
        "doc_type": "giay_moi",
        "subject": "Mời họp giao ban tháng 12",
        "body": "Thời gian: 8 giờ ngày 01/12.",
        "urgency": "normal",
        "secrecy": "normal",
        "signer": chairman.pk,
        "archive_keeper": "Lưu: VT",
        "copies": "1",
    }
    assert client_as(official).post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.subject == "Mời họp giao ban tháng 12"

    to_signed(document, chairman, official)
    refused = client_as(official).post(url, {**data, "subject": "Khác"})
    assert "Văn bản đã duyệt, không sửa được nữa." in refused.content.decode()
    document.refresh_from_db()
    assert document.subject == "Mời họp giao ban tháng 12"
    released = service.release(actor=clerk, document=document)
    assert released.number_notation == "01/GM-UBND"


def test_released_document_is_ready_for_the_exchange_layer(
    official, chairman, clerk, commune, clock
):
    from xaso.core.models import AgencyIdentifier
    from xaso.documents import exchange

    AgencyIdentifier.objects.create(
        unit=commune, identifier="H41.16777", valid_from=datetime.date(2025, 7, 1)
    )
    document = draft(
        official,
        chairman,
        urgency="very_urgent",
        signer_competence="TM.",
        external_recipients=[("000.00.00.H41", "UBND tỉnh Nghệ An"), ("", "Báo Nghệ An")],
    )
    assert list(exchange.pending_exchange(unit_id=commune.pk)) == []
    to_signed(document, chairman, official)
    document = service.release(actor=clerk, document=document)

    pending = list(exchange.pending_exchange(unit_id=commune.pk))
    assert [item.organ_id for item in pending] == ["000.00.00.H41"]
    header = exchange.message_header(document)
    assert header["DocumentId"] == "H41.16777,2026/11/25,01/UBND-VP"
    assert header["From"] == {"OrganId": "H41.16777", "OrganName": "Ủy ban nhân dân xã Quỳ Châu"}
    assert header["To"] == [{"OrganId": "000.00.00.H41", "OrganName": "UBND tỉnh Nghệ An"}]
    assert header["Code"] == {"CodeNumber": "01", "CodeNotation": "UBND-VP"}
    assert header["OtherInfo"]["Priority"] == 2
    assert header["SignerInfo"]["Competence"] == "TM."


def test_layout_and_generated_draft_are_vietnamese_for_english_screens(
    client_as, official, chairman, clerk, clock
):
    """The ND 30 layout is an official paper: Vietnamese whatever the screen language."""
    with compiled_catalogues():
        with translation.override("en"):  # the drafting official's session is in English
            document = draft(official, chairman, doc_type="thong_bao")
        client = client_as(clerk)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(reverse("documents:outgoing_detail", args=[document.pk]))
        layout = client.get(reverse("documents:outgoing_layout_pdf", args=[document.pk]))

    assert page["Content-Language"] == "en"
    with document.files.get().file.open("rb") as stored:
        generated = pdf_text(stored.read())
    for text in (pdf_text(layout.content), generated):
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "ỦY BAN NHÂN DÂN" in text
        assert "THÔNG BÁO" in text
        assert "SOCIALIST REPUBLIC" not in text.upper()
        assert "NOTICE" not in text.upper()
        assert "PEOPLE'S COMMITTEE" not in text.upper()
