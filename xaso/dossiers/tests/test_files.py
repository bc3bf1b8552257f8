"""Downloads of a dossier's files (scans, result, result before signing): only through views
that check the unit and role, with private headers, and never a /media/ link on the pages."""

import importlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404
from django.urls import clear_url_caches
from django.urls import resolve
from django.urls import reverse
from django.utils import timezone

from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierDocument
from xaso.dossiers.models import Result
from xaso.dossiers.services.reception import ReceivedDocument

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SIGNED_BYTES = b"%PDF-1.7\n% signed twice\n%%EOF\n"


def _scan(name: str, data: bytes, content_type: str) -> ReceivedDocument:
    return ReceivedDocument(
        name="Giấy tờ",
        is_original=True,
        file=SimpleUploadedFile(name, data, content_type=content_type),
        content_type=content_type,
    )


@pytest.fixture
def scanned(receive, procedure, applicant) -> Dossier:
    """A dossier received with two scans (a PDF, a PNG named in Vietnamese) and a paper line."""
    return receive(
        procedure,
        applicant,
        documents=[
            _scan("to-khai.pdf", PDF_BYTES, "application/pdf"),
            _scan("giấy khai sinh.png", PNG_BYTES, "image/png"),
            ReceivedDocument(name="Bản sao sổ hộ khẩu"),
        ],
    )


def _with_signed_result(dossier: Dossier, recorded_by) -> Result:
    """The result as it stands once signed: `file` the signed PDF, `original_file` the PDF
    as recorded (the signing itself is tested in test_result_signing.py)."""
    original = default_storage.save("results/2026/12/ket-qua.pdf", ContentFile(PDF_BYTES))
    result = Result(
        dossier=dossier,
        number="12/2026/TP-KH",
        issued_on=timezone.localdate(),
        signer_name="Trần Văn Chủ Tịch",
        recorded_at=timezone.now(),
        recorded_by=recorded_by,
        original_file=original,
        signed_at=timezone.now(),
        signed_by=recorded_by,
    )
    result.file.save("ket-qua-da-ky.pdf", ContentFile(SIGNED_BYTES), save=False)
    result.save()
    return result


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _private(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_scan_download_returns_the_bytes_with_private_headers(client_as, scanned, counter_officer):
    pdf, png = scanned.documents.exclude(file="").order_by("pk")
    client = client_as(counter_officer)

    response = client.get(reverse("dossiers:document_file", args=[scanned.pk, pdf.pk]))

    assert response.status_code == 200
    assert _body(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="to-khai.pdf"'
    _private(response)
    # Read through the storage, not a path: the test storage keeps files in memory (nothing
    # on disk at its path), as S3 keeps them in a bucket.
    assert not Path(default_storage.path(pdf.file.name)).exists()

    response = client.get(reverse("dossiers:document_file", args=[scanned.pk, png.pk]))

    assert response.status_code == 200
    assert _body(response) == PNG_BYTES
    assert response["Content-Type"] == "image/png"
    # The Vietnamese name survives (RFC 5987 encoding), as stored by the upload.
    stored = png.file.name.rsplit("/", 1)[-1]
    assert stored.startswith("giấy")
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''gi%E1%BA%A5y")
    _private(response)


def test_result_and_original_downloads_return_their_own_bytes(
    client_as, dossier, counter_officer, chairman
):
    _with_signed_result(dossier, chairman)
    client = client_as(counter_officer)

    signed = client.get(reverse("dossiers:result_file", args=[dossier.pk]))
    original = client.get(reverse("dossiers:result_original_file", args=[dossier.pk]))

    assert signed.status_code == 200
    assert _body(signed) == SIGNED_BYTES
    assert signed["Content-Type"] == "application/pdf"
    assert signed["Content-Disposition"] == 'inline; filename="ket-qua-da-ky.pdf"'
    _private(signed)
    assert original.status_code == 200
    assert _body(original) == PDF_BYTES
    assert original["Content-Disposition"] == 'inline; filename="ket-qua.pdf"'
    _private(original)


def test_a_stored_file_of_an_unsafe_type_is_only_ever_an_attachment(
    client_as, dossier, counter_officer
):
    """Whatever type a row claims, a browser is never asked to render HTML from our origin."""
    document = DossierDocument.objects.create(
        dossier=dossier,
        name="Tệp lạ",
        file=default_storage.save(
            "dossiers/2026/12/trang.html", ContentFile(b"<script>1</script>")
        ),
        content_type="text/html",
    )

    response = client_as(counter_officer).get(
        reverse("dossiers:document_file", args=[dossier.pk, document.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="trang.html"'
    _private(response)


def test_a_file_of_another_dossier_or_unit_is_not_found_even_with_a_guessed_pk(
    client_as,
    scanned,
    receive,
    procedure,
    applicant,
    other_procedure,
    other_applicant,
    other_counter_officer,
    counter_officer,
    chairman,
):
    plain = receive(procedure, applicant)  # same unit, no scan, no result
    foreign = receive(
        other_procedure,
        other_applicant,
        actor=other_counter_officer,
        documents=[_scan("cccd.pdf", PDF_BYTES, "application/pdf")],
    )
    _with_signed_result(foreign, other_counter_officer)
    own_scan = scanned.documents.exclude(file="").first()
    foreign_scan = foreign.documents.get()
    paper_line = scanned.documents.get(file="")
    client = client_as(counter_officer)

    urls = [
        # A scan of the unit's other dossier, addressed through this one.
        reverse("dossiers:document_file", args=[plain.pk, own_scan.pk]),
        # Another unit's scan through one's own dossier, and directly.
        reverse("dossiers:document_file", args=[scanned.pk, foreign_scan.pk]),
        reverse("dossiers:document_file", args=[foreign.pk, foreign_scan.pk]),
        reverse("dossiers:result_file", args=[foreign.pk]),
        reverse("dossiers:result_original_file", args=[foreign.pk]),
        # Nothing to send: a paper-only line, a dossier without a result.
        reverse("dossiers:document_file", args=[scanned.pk, paper_line.pk]),
        reverse("dossiers:result_file", args=[plain.pk]),
        reverse("dossiers:result_original_file", args=[plain.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_an_unsigned_result_has_no_original_and_a_vanished_file_is_not_found(
    client_as, dossier, counter_officer, chairman
):
    result = _with_signed_result(dossier, chairman)
    Result.objects.filter(pk=result.pk).update(original_file="")
    client = client_as(counter_officer)

    assert client.get(reverse("dossiers:result_original_file", args=[dossier.pk])).status_code == (
        404
    )
    default_storage.delete(result.file.name)
    assert client.get(reverse("dossiers:result_file", args=[dossier.pk])).status_code == 404


def test_only_officials_who_may_open_the_dossier_get_its_files(
    client_as, scanned, commune, make_staff
):
    """An official of the unit with no part in the dossier (not on its process) cannot open
    its page, nor its scans."""
    scan = scanned.documents.exclude(file="").first()
    client = client_as(make_staff(commune, "land_construction", username="diachinh"))

    assert client.get(reverse("dossiers:dossier_detail", args=[scanned.pk])).status_code == 404
    response = client.get(reverse("dossiers:document_file", args=[scanned.pk, scan.pk]))
    assert response.status_code == 404


def test_isolation_of_every_file_route(
    scanned, chairman, counter_officer, clerk, other_counter_officer
):
    _with_signed_result(scanned, chairman)
    scan = scanned.documents.exclude(file="").first()
    urls = [
        reverse("dossiers:document_file", args=[scanned.pk, scan.pk]),
        reverse("dossiers:result_file", args=[scanned.pk]),
        reverse("dossiers:result_original_file", args=[scanned.pk]),
    ]
    for url in urls:
        assert_isolation(
            IsolationCase(
                url=url,
                allowed=counter_officer,
                wrong_role=clerk,
                other_unit=other_counter_officer,
                allowed_status=200,
            )
        )


@override_settings(DEBUG=False)
def test_dossier_pages_link_files_through_the_views_never_media(
    client_as, scanned, counter_officer, chairman
):
    Dossier.objects.filter(pk=scanned.pk).update(status=Dossier.Status.RESULT_READY)
    _with_signed_result(scanned, chairman)
    scans = scanned.documents.exclude(file="").order_by("pk")

    detail = client_as(counter_officer).get(reverse("dossiers:dossier_detail", args=[scanned.pk]))

    assert detail.status_code == 200
    html = detail.content.decode()
    assert "/media/" not in html
    for scan in scans:
        assert reverse("dossiers:document_file", args=[scanned.pk, scan.pk]) in html
    assert reverse("dossiers:result_file", args=[scanned.pk]) in html
    assert reverse("dossiers:result_original_file", args=[scanned.pk]) in html

    record = client_as(chairman).get(reverse("dossiers:result_record", args=[scanned.pk]))

    assert record.status_code == 200
    html = record.content.decode()
    assert "/media/" not in html
    assert reverse("dossiers:result_file", args=[scanned.pk]) in html


def test_uploads_are_not_served_by_url_even_with_debug_on():
    """/media/ is no way in, not even on a development server left in DEBUG."""
    import config.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(config.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                resolve("/media/dossiers/2026/12/to-khai.pdf")
    finally:
        importlib.reload(config.urls)
        clear_url_caches()
