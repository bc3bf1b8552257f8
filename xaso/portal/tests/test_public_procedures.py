"""Public procedure pages: no login, active procedures of hosted communes only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from xaso.dossiers.models import Procedure
from xaso.dossiers.tests.factories import ProcedureFactory

LIST = "/cong-khai/thu-tuc/"


@pytest.fixture
def seeded(commune):
    call_command("load_procedures", "--unit", str(commune.code), stdout=io.StringIO())
    return commune


def listed_codes(response) -> list[str]:
    return [procedure.code for procedure in response.context["procedures"]]


def test_the_only_hosted_commune_is_shown_without_login(seeded):
    response = Client().get(LIST)

    assert response.status_code == 200
    assert response.context["unit"] == seeded
    codes = listed_codes(response)
    # Only active procedures: the seed's procedures with an unknown legal time are inactive.
    assert set(codes) == set(
        Procedure.objects.filter(unit=seeded, is_active=True).values_list("code", flat=True)
    )
    assert "2.001019" not in codes


def test_search_khai_sinh_without_diacritics(seeded):
    response = Client().get(LIST, {"q": "khai sinh"})

    assert sorted(listed_codes(response)) == ["1.001193", "1.004884"]
    assert "Đăng ký khai sinh" in response.content.decode()


def test_search_chung_thuc_finds_active_certifications_only(seeded):
    response = Client().get(LIST, {"q": "chung thuc"})

    # 2.001019 (di chúc) and 2.001016 (từ chối nhận di sản) are inactive in the seed.
    assert sorted(listed_codes(response)) == ["2.000815", "2.000884"]


def test_filter_by_field(seeded):
    response = Client().get(LIST, {"linh-vuc": "cu-tru"})

    assert sorted(listed_codes(response)) == ["1.004194", "1.004222"]


def test_inactive_procedure_page_is_not_found(seeded):
    Procedure.objects.filter(unit=seeded, code="1.001193").update(is_active=False)

    assert Client().get(f"{LIST}16777/1.001193/").status_code == 404
    assert "1.001193" not in listed_codes(Client().get(LIST))


def test_detail_page_has_documents_fees_time_and_basis(seeded):
    response = Client().get(f"{LIST}16777/2.000815/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Chứng thực bản sao từ bản chính giấy tờ, văn bản" in html
    assert "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao" in html
    assert "2.000 đ/trang; từ trang 3: 1.000 đ/trang; tối đa 200.000 đ/bản" in html
    assert "Giải quyết ngay trong ngày" in html
    assert "Thông tư 226/2016/TT-BTC" in html


def test_form_file_download(seeded):
    procedure = Procedure.objects.get(unit=seeded, code="1.001193")
    document = procedure.required_documents.get(order=1)
    document.form_file = SimpleUploadedFile("to-khai-khai-sinh.docx", b"PK mau to khai")
    document.save()

    detail = Client().get(f"{LIST}16777/1.001193/").content.decode()
    download = Client().get(f"{LIST}16777/1.001193/mau/{document.pk}/")

    assert f'href="/cong-khai/thu-tuc/16777/1.001193/mau/{document.pk}/"' in detail
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK mau to khai"
    assert "attachment" in download["Content-Disposition"]


def test_form_of_a_document_without_file_is_not_found(seeded):
    document = Procedure.objects.get(unit=seeded, code="1.001193").required_documents.get(order=2)

    assert Client().get(f"{LIST}16777/1.001193/mau/{document.pk}/").status_code == 404


def test_another_units_procedures_are_not_mixed(seeded, other_commune):
    ProcedureFactory(
        unit=other_commune, code="1.009999", name="Đăng ký khai sinh riêng của xã Tiền Phong"
    )

    chooser = Client().get(LIST)
    own = Client().get(LIST, {"don-vi": "16777", "q": "khai sinh"})
    other = Client().get(LIST, {"don-vi": "16750", "q": "khai sinh"})

    # Two hosted communes: the visitor chooses one first.
    assert chooser.context["unit"] is None
    assert "Xã Tiền Phong" in chooser.content.decode()
    assert sorted(listed_codes(own)) == ["1.001193", "1.004884"]
    assert listed_codes(other) == ["1.009999"]
    assert Client().get(f"{LIST}16750/1.001193/").status_code == 404
    assert Client().get(f"{LIST}16777/1.009999/").status_code == 404


def test_units_not_hosted_or_unknown_are_not_found(seeded):
    # 454 (Xã Đông Anh) exists in the national list but is not served here.
    assert Client().get(LIST, {"don-vi": "454"}).status_code == 404
    assert Client().get(LIST, {"don-vi": "abc"}).status_code == 404
    assert Client().get(f"{LIST}454/1.001193/").status_code == 404
    assert Client().get(f"{LIST}16777/9.999999/").status_code == 404


def test_pages_need_no_login_even_for_staff_sessions(seeded, clerk, client_as):
    assert client_as(clerk).get(f"{LIST}16777/1.001193/").status_code == 200
    assert Client().get(f"{LIST}16777/1.001193/").status_code == 200
