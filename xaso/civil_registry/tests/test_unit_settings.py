"""Corrections out of the box: the procedure → register map is unit data, edited by the
unit administrator; the demo commune (set up as `make run` does) runs a correction."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from xaso.applicants.models import Applicant
from xaso.civil_registry import kinds
from xaso.civil_registry import mapping
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import CivilRegistrySettings
from xaso.civil_registry.models import RegisterProcedure
from xaso.civil_registry.tests.conftest import post_data
from xaso.civil_registry.tests.conftest import procedure_for
from xaso.core.models import AuditEvent
from xaso.core.models import User
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import processing
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.services.reception import ReceptionData
from xaso.dossiers.services.reception import receive_dossier

DEMO_UNIT = 16777


@pytest.fixture
def demo(db):
    """The demo commune as `make run` sets it up (Makefile `run` target)."""
    call_command("load_demo_commune", stdout=io.StringIO())
    call_command("load_procedures", unit=DEMO_UNIT, stdout=io.StringIO())
    call_command("load_demo_civil_registry", stdout=io.StringIO())
    return {u.username: u for u in User.objects.filter(unit__code=DEMO_UNIT)}


def _selected(html: str, name: str) -> str:
    """The value of the selected option of select `name`."""
    block = html[html.index(f'name="{name}"') :]
    block = block[: block.index("</select>")]
    found = re.search(r'<option value="(\w*)" selected>', block)
    return found.group(1) if found else ""


def test_demo_commune_runs_a_correction_end_to_end(demo, client):
    unit = demo["motcua"].unit
    correction = Procedure.objects.get(unit=unit, code=kinds.LOCAL_CORRECTION_CODE)
    assert "Unknown" in correction.source
    assert "MÃ ĐỊA PHƯƠNG" in correction.source
    # The administrator's page shows the correction procedure chosen from the catalog.
    client.force_login(demo["quantri"])
    page = client.get(reverse("civil_registry:unit_settings")).content.decode()
    assert _selected(page, f"kind_{correction.pk}") == "change"
    birth = Procedure.objects.get(unit=unit, code="1.001193")
    assert _selected(page, f"kind_{birth.pk}") == "birth"
    certification = Procedure.objects.get(unit=unit, code="2.000815")
    assert _selected(page, f"kind_{certification.pk}") == ""

    entry = CivilEntry.objects.get(unit=unit, main_name="Lương Minh Khôi")
    original = dict(entry.data)
    mother = Applicant.objects.get(unit=unit, full_name="Nguyễn Thị An")
    dossier = receive_dossier(
        actor=demo["motcua"],
        data=ReceptionData(
            procedure=correction,
            applicant=mother,
            channel="direct",
            delivery_method="desk",
            documents=[ReceivedDocument(name="Tờ khai", is_original=True)],
        ),
    )
    client.force_login(demo["tuphap"])
    detail = client.get(reverse("dossiers:dossier_detail", args=[dossier.pk])).content.decode()
    link = reverse("civil_registry:prepare_from_dossier", args=[dossier.pk])
    assert link in detail
    url = reverse("civil_registry:correction_from_dossier", args=[dossier.pk])
    assert client.get(link)["Location"] == url
    assert f"?entry={entry.pk}" in client.get(url, {"q": "luong minh khoi"}).content.decode()
    response = client.post(
        url,
        {
            **post_data(entry.data),
            "entry": entry.pk,
            "child_full_name": "Lương Minh Khoa",
            "change_type": "correction",
            "reason": "Tờ khai ghi đúng tên Khoa, sổ ghi nhầm",
            "checked": "on",
        },
    )
    assert response.status_code == 302
    dossier = processing.claim_step(actor=demo["tuphap"], dossier=dossier)
    dossier = processing.forward_dossier(actor=demo["tuphap"], dossier=dossier)
    dossier = processing.claim_step(actor=demo["chutich"], dossier=dossier)
    client.force_login(demo["chutich"])
    approved = client.post(
        reverse("dossiers:dossier_approve", args=[dossier.pk]),
        {"approve-step": dossier.current_step_id, "approve-note": ""},
    )
    assert approved.status_code == 302

    entry.refresh_from_db()
    assert (entry.version, entry.main_name) == (2, "Lương Minh Khoa")
    first, second = entry.versions.order_by("number")
    assert first.data == original
    assert second.data == {**original, "child_full_name": "Lương Minh Khoa"}
    page = client.get(reverse("civil_registry:entry_detail", args=[entry.pk])).content.decode()
    assert "Lương Minh Khôi → Lương Minh Khoa" in page
    # The audit trail: who (the approving chairman, prepared by the justice official),
    # which field, from what, to what.
    event = AuditEvent.objects.get(action="civil_registry.entry_corrected")
    assert event.actor == demo["chutich"]
    assert event.data["changes"] == ["Họ, chữ đệm, tên: Lương Minh Khôi → Lương Minh Khoa"]
    assert event.data["before"] == {"child_full_name": "Lương Minh Khôi"}
    assert event.data["after"] == {"child_full_name": "Lương Minh Khoa"}
    assert event.data["prepared_by"] == "tuphap"
    listing = client.get(
        reverse("core:audit_list"), {"action": "civil_registry.entry_corrected"}
    ).content.decode()
    assert "Thay đổi, cải chính việc hộ tịch (phiên bản mới)" in listing
    assert reverse("core:audit_detail", args=[event.pk]) in listing
    audit_page = client.get(reverse("core:audit_detail", args=[event.pk])).content.decode()
    assert demo["chutich"].full_name in audit_page
    assert json.dumps("Họ, chữ đệm, tên: Lương Minh Khôi → Lương Minh Khoa", ensure_ascii=False)[
        1:-1
    ] in audit_page.replace("&quot;", '"')
    assert '"prepared_by": "tuphap"' in audit_page.replace("&quot;", '"')


def test_administrator_maps_another_catalog_procedure_to_corrections(
    client_as, identified_commune, unit_admin, father, receive, justice_official
):
    local = procedure_for(identified_commune, "43.HT.07", "Cải chính hộ tịch (mã của tỉnh)")
    birth = procedure_for(identified_commune, "1.001193", "Đăng ký khai sinh")
    again = procedure_for(identified_commune, "1.004884", "Đăng ký lại khai sinh")
    dossier = receive(local, father)
    assert mapping.kind_for_procedure(local) is None
    assert mapping.kind_for_procedure(birth) == "birth"  # by the national code
    url = reverse("civil_registry:unit_settings")
    client = client_as(unit_admin)
    page = client.get(url).content.decode()
    assert "Chưa có thủ tục nào ghi vào các sổ:" in page

    response = client.post(
        url,
        {
            "entries_per_book": "150",
            f"kind_{birth.pk}": "birth",
            f"kind_{again.pk}": "birth",
            f"kind_{local.pk}": "change",
        },
    )

    assert response.status_code == 302
    assert mapping.kind_for_procedure(local) == "change"
    assert mapping.kind_for_procedure(birth) == "birth"
    assert mapping.kind_for_procedure(again) == "birth"  # two procedures, one register
    assert CivilRegistrySettings.objects.get(unit=identified_commune).entries_per_book == 150
    event = AuditEvent.objects.get(action="civil_registry.settings_changed")
    assert event.data["procedures"] == {"1.004884": ["", "birth"], "43.HT.07": ["", "change"]}
    assert event.data["entries_per_book"] == [200, 150]
    # The justice official now finds the correction form from the dossier.
    link = reverse("civil_registry:prepare_from_dossier", args=[dossier.pk])
    page = client_as(justice_official).get(reverse("dossiers:dossier_detail", args=[dossier.pk]))
    assert link in page.content.decode()
    assert client_as(justice_official).get(link)["Location"] == reverse(
        "civil_registry:correction_from_dossier", args=[dossier.pk]
    )
    # Leaving the birth procedure out: its dossiers no longer register.
    client.post(url, {"entries_per_book": "150", f"kind_{local.pk}": "change"})
    assert mapping.kind_for_procedure(birth) is None
    assert mapping.kind_for_procedure(local) == "change"


def test_settings_refuse_bad_input_and_change_nothing(client_as, identified_commune, unit_admin):
    local = procedure_for(identified_commune, "43.HT.07", "Cải chính hộ tịch (mã của tỉnh)")
    client = client_as(unit_admin)
    url = reverse("civil_registry:unit_settings")

    wrong = client.post(url, {"entries_per_book": "100", f"kind_{local.pk}": "ghost"})
    assert wrong.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in wrong.content.decode()
    zero = client.post(url, {"entries_per_book": "0", f"kind_{local.pk}": "change"})
    assert zero.status_code == 200
    assert "lớn hơn hoặc bằng với 1" in zero.content.decode()
    assert not CivilRegistrySettings.objects.exists()
    assert not RegisterProcedure.objects.exists()
    assert not AuditEvent.objects.filter(action="civil_registry.settings_changed").exists()
    assert mapping.kind_for_procedure(local) is None


def test_another_units_mapping_does_not_make_a_code_register_here(
    identified_commune, identified_other_commune, other_unit_admin, father, receive
):
    from xaso.civil_registry import services

    theirs = procedure_for(identified_other_commune, "43.HT.07", "Cải chính")
    services.save_unit_settings(
        actor=other_unit_admin, entries_per_book=200, kinds_by_procedure={theirs: "change"}
    )
    mine = procedure_for(identified_commune, "43.HT.07", "Thủ tục khác cùng mã")
    assert mapping.kind_for_procedure(theirs) == "change"
    assert mapping.kind_for_procedure(mine) is None
    assert "43.HT.07" in mapping.registration_codes()


def test_settings_page_is_isolated(
    identified_commune, unit_admin, other_unit_admin, justice_official
):
    procedure_for(identified_commune, "43.HT.07", "Thủ tục riêng của xã này")
    assert_isolation(
        IsolationCase(
            url=reverse("civil_registry:unit_settings"),
            allowed=unit_admin,
            wrong_role=justice_official,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="Thủ tục riêng của xã này",
            allowed_status=200,
        )
    )
