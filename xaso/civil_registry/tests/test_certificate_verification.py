"""Every issued paper carries a verification QR: the certificate of a register entry too
(the extract copies' QR is tested in test_views). The public page names the paper, its
number and book, the unit and the date, and nothing personal."""

import io

from django.urls import reverse
from pypdf import PdfReader

from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.tests.conftest import register_through_approval


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_certificate_carries_a_qr_whose_public_page_says_only_what_it_is(
    client, client_as, birth_dossier, justice_official, chairman
):
    entry = register_through_approval(birth_dossier, justice_official, chairman)
    assert len(entry.token) >= 40
    url = reverse("civil_registry:verify_certificate", args=[entry.token])

    pdf = client_as(chairman).get(reverse("civil_registry:certificate_pdf", args=[entry.pk]))
    text = pdf_text(pdf.content)
    assert "Quét mã để xác minh giấy tờ" in text
    assert url in text.replace(" ", "")

    page = client.get(url)  # anonymous: the public page
    assert page.status_code == 200
    body = page.content.decode()
    assert "Giấy khai sinh số 1, quyển số 1/2026 do Xã Quỳ Châu đăng ký ngày 20/11/2026." in body
    assert "Nguyễn" not in body
    assert "Lê Thị Hoà" not in body
    unknown = client.get(reverse("civil_registry:verify_certificate", args=["khong-co-ma-nay"]))
    assert unknown.status_code == 404
    assert "Không tìm thấy giấy tờ hộ tịch nào" in unknown.content.decode()


def test_every_entry_gets_its_own_token(
    birth_procedure, father, receive, justice_official, chairman
):
    from xaso.civil_registry.tests.conftest import DECLARED

    for name in ("Nguyễn Thị An", "Lê Văn Bình"):
        dossier = receive(
            birth_procedure, father, declared_data={**DECLARED, "child_full_name": name}
        )
        register_through_approval(dossier, justice_official, chairman)
    tokens = list(CivilEntry.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 2
    assert "" not in tokens
