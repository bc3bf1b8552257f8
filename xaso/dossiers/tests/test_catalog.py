"""The procedure catalog: process rules, services, pages and their tenancy."""

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xaso.core.models import AuditEvent
from xaso.core.models import Position
from xaso.core.testing import IsolationCase
from xaso.core.testing import assert_isolation
from xaso.dossiers import process_rules
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.models import RequiredDocument
from xaso.dossiers.process_rules import StepPlan
from xaso.dossiers.services import catalog
from xaso.dossiers.services.catalog import CatalogValidationError
from xaso.dossiers.services.catalog import DocumentData
from xaso.dossiers.services.catalog import FeeData
from xaso.dossiers.services.catalog import ProcedureData
from xaso.dossiers.services.catalog import StepData
from xaso.dossiers.tests.factories import ProcedureFactory
from xaso.dossiers.tests.factories import ProcedureFieldFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = Decimal


def plan(*budgets: int | str, kinds: tuple[str, ...] | None = None) -> list[StepPlan]:
    kinds = kinds or ("reception", *["processing"] * (len(budgets) - 2), "return")
    return [
        StepPlan(kind=kind, budget_hours=D(str(hours)), has_responsible=True)
        for kind, hours in zip(kinds, budgets, strict=True)
    ]


def messages(kind: str, value: object, steps: list[StepPlan]) -> list[str]:
    return [p.message for p in process_rules.process_problems(kind, value, steps)]


# --- process rules (pure) -------------------------------------------------------------------


def test_working_days_budget_short_names_both_totals_and_the_gap():
    assert messages("working_days", 5, plan(0, 24, 8, 4)) == [
        (
            "Tổng thời gian các bước là 36 giờ, thời hạn pháp định là 40 giờ làm việc (5 ngày). "
            "Còn thiếu 4 giờ."
        )
    ]


def test_working_days_budget_over_names_the_excess():
    assert messages("working_days", 5, plan(0, 32, 8, 4)) == [
        (
            "Tổng thời gian các bước là 44 giờ, thời hạn pháp định là 40 giờ làm việc (5 ngày). "
            "Thừa 4 giờ."
        )
    ]


def test_working_days_budget_equal_to_the_legal_time_passes():
    assert messages("working_days", 5, plan(0, 28, 8, 4)) == []


def test_working_hours_must_add_up_exactly_with_decimal_comma():
    assert messages("working_hours", "4", plan(0, "2.5", 1)) == [
        (
            "Tổng thời gian các bước là 3,5 giờ, thời hạn pháp định là 4 giờ làm việc. "
            "Còn thiếu 0,5 giờ."
        )
    ]
    assert messages("working_hours", "4", plan(0, "2.5", "1.5")) == []


@pytest.mark.parametrize(("budgets", "ok"), [((0, 4, 2, 2), True), ((0, 6, 2, 2), False)])
def test_immediate_fits_in_one_working_day(budgets, ok):
    found = messages("immediate", 0, plan(*budgets))
    if ok:
        assert found == []
    else:
        assert found == [
            (
                "Tổng thời gian các bước là 10 giờ, vượt quá một ngày làm việc (8 giờ) của thủ tục "
                "giải quyết ngay trong ngày: thừa 2 giờ."
            )
        ]


@pytest.mark.parametrize(
    ("calendar_days", "working_days"),
    [(1, 0), (3, 1), (5, 3), (7, 5), (9, 5), (14, 10), (15, 10), (17, 11), (60, 42)],
)
def test_fewest_working_days_in_a_run_of_calendar_days(calendar_days, working_days):
    assert process_rules.min_working_days_in(calendar_days) == working_days


def test_calendar_days_budget_must_fit_the_sure_working_days():
    assert messages("calendar_days", 5, plan(0, 12, 8, 4)) == []
    assert messages("calendar_days", 5, plan(0, 16, 8, 4)) == [
        (
            "Tổng thời gian các bước là 28 giờ, vượt quá 24 giờ làm việc (3 ngày làm việc chắc "
            "chắn có trong thời hạn 5 ngày): thừa 4 giờ."
        )
    ]


def test_first_step_reception_last_step_return_and_a_responsible_each():
    steps = [
        StepPlan(kind="processing", budget_hours=D(20), has_responsible=True, name="Thẩm định"),
        StepPlan(kind="approval", budget_hours=D(4), has_responsible=False, name="Ký"),
    ]

    assert messages("working_days", 3, steps) == [
        "Bước đầu tiên phải là bước tiếp nhận hồ sơ.",
        "Bước cuối cùng phải là bước trả kết quả.",
        "Bước 2 (Ký): cần chọn chức danh hoặc người thực hiện.",
    ]


def test_a_single_step_is_not_a_process():
    assert messages("immediate", 0, plan(0, kinds=("reception",))) == [
        "Quy trình cần ít nhất hai bước: bước đầu là tiếp nhận hồ sơ, bước cuối là trả kết quả."
    ]


def test_legal_time_must_be_positive_and_whole_days():
    assert process_rules.time_limit_problems("working_days", "2.5") == [
        ("time_limit_value", "Thời hạn tính theo ngày phải là số ngày nguyên.")
    ]
    assert process_rules.time_limit_problems("working_days", 0)[0][0] == "time_limit_value"
    assert process_rules.time_limit_problems("immediate", 0) == []


@pytest.mark.parametrize(
    ("kind", "value", "budgets"),
    [
        ("immediate", 0, [0, 4, 2, 2]),
        ("working_days", 5, [0, 28, 8, 4]),
        ("working_hours", 8, [0, 4, 2, 2]),
        ("calendar_days", 5, [0, 12, 8, 4]),
    ],
)
def test_suggested_budgets_pass_the_rules(kind, value, budgets):
    suggested = process_rules.suggested_budgets(kind, value)

    assert suggested == [D(b) for b in budgets]
    assert messages(kind, value, plan(*suggested)) == []


# --- services -------------------------------------------------------------------------------


@pytest.fixture
def positions(db):
    return {p.code: p for p in Position.objects.all()}


@pytest.fixture
def civil_status(db):
    return ProcedureFieldFactory()


def steps_for(positions, *budgets, approver="chairman") -> list[StepData]:
    names = [
        ("Tiếp nhận", "reception", "counter_officer"),
        ("Thẩm định", "processing", "justice_civil_status"),
        ("Phê duyệt", "approval", approver),
        ("Trả kết quả", "return", "counter_officer"),
    ]
    return [
        StepData(name=name, kind=kind, position=positions[code], budget_hours=D(hours))
        for (name, kind, code), hours in zip(names, budgets, strict=True)
    ]


def certification_data(field, **overrides) -> ProcedureData:
    values = {
        "code": "2.000815",
        "name": "Chứng thực bản sao từ bản chính",
        "field": field,
        "time_limit_kind": "immediate",
        "time_limit_value": D(0),
        "is_active": True,
    }
    values.update(overrides)
    return ProcedureData(**values)


def test_create_procedure_with_process_documents_and_fees(
    unit_admin, commune, civil_status, positions
):
    procedure = catalog.create_procedure(
        actor=unit_admin,
        unit=commune,
        data=certification_data(civil_status),
        steps=steps_for(positions, 0, 4, 2, 2),
        documents=[DocumentData(name="Bản chính giấy tờ", originals=1)],
        fees=[
            FeeData(
                name="Phí chứng thực",
                amount=2000,
                basis="page",
                reduced_amount=1000,
                reduced_from=3,
                cap=200000,
            )
        ],
    )

    procedure.refresh_from_db()
    assert (procedure.unit, procedure.code, procedure.is_active) == (commune, "2.000815", True)
    assert procedure.search_text == "2.000815 chung thuc ban sao tu ban chinh"
    assert list(procedure.steps.values_list("order", "kind", "budget_hours")) == [
        (1, "reception", D(0)),
        (2, "processing", D(4)),
        (3, "approval", D(2)),
        (4, "return", D(2)),
    ]
    assert list(procedure.required_documents.values_list("name", "originals")) == [
        ("Bản chính giấy tờ", 1)
    ]
    assert list(procedure.fee_rules.values_list("amount", "reduced_amount", "cap")) == [
        (2000, 1000, 200000)
    ]
    event = AuditEvent.objects.get(action="catalog.procedure_created")
    assert (event.actor, event.unit, event.target_id) == (unit_admin, commune, str(procedure.pk))


def test_create_refuses_a_code_already_in_the_unit(unit_admin, procedure, civil_status):
    with pytest.raises(CatalogValidationError) as caught:
        catalog.create_procedure(
            actor=unit_admin,
            unit=procedure.unit,
            data=certification_data(civil_status, code="1.000894", is_active=False),
        )

    assert caught.value.message_dict == {
        "code": ["Mã thủ tục 1.000894 đã có trong danh mục của đơn vị."]
    }
    assert Procedure.objects.filter(unit=procedure.unit).count() == 1


def test_same_code_is_fine_in_another_unit(other_unit_admin, procedure, civil_status):
    created = catalog.create_procedure(
        actor=other_unit_admin,
        unit=other_unit_admin.unit,
        data=certification_data(civil_status, code="1.000894", is_active=False),
    )

    assert created.unit == other_unit_admin.unit


def test_an_active_procedure_needs_a_process(unit_admin, commune, civil_status):
    with pytest.raises(CatalogValidationError) as caught:
        catalog.create_procedure(
            actor=unit_admin, unit=commune, data=certification_data(civil_status)
        )

    assert caught.value.messages == [
        "Thủ tục chưa có quy trình xử lý nên chưa áp dụng được; hãy thiết lập quy trình trước."
    ]
    assert not Procedure.objects.filter(unit=commune).exists()
    assert not AuditEvent.objects.filter(action__startswith="catalog.").exists()


def test_services_refuse_other_roles_and_units(clerk, other_unit_admin, commune, civil_status):
    data = certification_data(civil_status, is_active=False)
    for actor in (clerk, other_unit_admin):
        with pytest.raises(PermissionDenied):
            catalog.create_procedure(actor=actor, unit=commune, data=data)
    assert not Procedure.objects.filter(unit=commune).exists()


def test_set_process_refuses_budgets_that_do_not_add_up_and_keeps_the_old_one(
    unit_admin, procedure, positions
):
    before = list(procedure.steps.values_list("pk", "budget_hours"))

    with pytest.raises(CatalogValidationError) as caught:
        catalog.set_process_steps(
            actor=unit_admin, procedure=procedure, steps=steps_for(positions, 0, 24, 8, 4)
        )

    assert caught.value.messages == [
        (
            "Tổng thời gian các bước là 36 giờ, thời hạn pháp định là 40 giờ làm việc (5 ngày). "
            "Còn thiếu 4 giờ."
        )
    ]
    assert list(procedure.steps.values_list("pk", "budget_hours")) == before
    assert not AuditEvent.objects.filter(action="catalog.process_updated").exists()


def test_set_process_changes_time_and_steps_together_keeping_step_identities(
    unit_admin, procedure, positions
):
    old = list(procedure.steps.order_by("order"))
    steps = steps_for(positions, 0, 12, 8, 4, approver="vice_chairman")
    for step, existing in zip(steps, old, strict=True):
        step.id = existing.pk

    saved = catalog.set_process_steps(
        actor=unit_admin,
        procedure=procedure,
        steps=steps,
        time_limit_kind="working_days",
        time_limit_value=D(3),
    )

    procedure.refresh_from_db()
    assert procedure.time_limit_value == D(3)
    assert [s.pk for s in saved] == [s.pk for s in old]
    assert saved[2].position.code == "vice_chairman"
    assert AuditEvent.objects.filter(action="catalog.process_updated").count() == 1


def test_reordering_steps_keeps_them(unit_admin, procedure, positions):
    old = list(procedure.steps.order_by("order"))
    steps = [
        StepData(
            id=s.pk, name=s.name, kind=s.kind, position=s.position, budget_hours=s.budget_hours
        )
        for s in old
    ]
    steps[1], steps[2] = steps[2], steps[1]

    catalog.set_process_steps(actor=unit_admin, procedure=procedure, steps=steps)

    assert list(procedure.steps.order_by("order").values_list("pk", flat=True)) == [
        old[0].pk,
        old[2].pk,
        old[1].pk,
        old[3].pk,
    ]


def test_a_step_walked_by_a_dossier_cannot_be_removed(unit_admin, dossier, positions):
    procedure = dossier.procedure
    old = list(procedure.steps.order_by("order"))
    kept = [old[0], old[1], old[3]]
    steps = [
        StepData(
            id=s.pk, name=s.name, kind=s.kind, position=s.position, budget_hours=s.budget_hours
        )
        for s in kept
    ]
    steps[1].budget_hours = D(36)

    with pytest.raises(CatalogValidationError) as caught:
        catalog.set_process_steps(actor=unit_admin, procedure=procedure, steps=steps)

    assert caught.value.messages == [
        (
            "Bước “Lãnh đạo phê duyệt” đã được dùng cho hồ sơ đã tiếp nhận nên không xóa được; "
            "hãy sửa bước đó thay vì xóa."
        )
    ]
    assert procedure.steps.count() == 4


def test_changing_the_legal_time_alone_must_fit_the_existing_process(unit_admin, procedure):
    data = catalog._data_of(procedure)
    data.time_limit_value = D(3)

    with pytest.raises(CatalogValidationError) as caught:
        catalog.update_procedure(actor=unit_admin, procedure=procedure, data=data)

    assert list(caught.value.message_dict) == ["time_limit_value"]
    assert "thời hạn pháp định là 24 giờ làm việc (3 ngày)" in caught.value.messages[0]
    procedure.refresh_from_db()
    assert procedure.time_limit_value == D(5)


def test_update_procedure_writes_what_changed(unit_admin, procedure):
    data = catalog._data_of(procedure)
    data.name = "Đăng ký kết hôn (trong nước)"

    catalog.update_procedure(actor=unit_admin, procedure=procedure, data=data)

    procedure.refresh_from_db()
    assert procedure.search_text == "1.000894 dang ky ket hon (trong nuoc)"
    event = AuditEvent.objects.get(action="catalog.procedure_updated")
    assert event.data["changed"] == ["name"]


def test_documents_keep_their_form_file_and_used_ones_stay(unit_admin, dossier):
    procedure = dossier.procedure
    first, second = procedure.required_documents.order_by("order")
    first.form_file = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 mau")
    first.save()
    dossier.documents.update(required_document=second)

    catalog.set_required_documents(
        actor=unit_admin,
        procedure=procedure,
        documents=[
            DocumentData(id=second.pk, name="Giấy tờ tùy thân", copies=1),
            DocumentData(id=first.pk, name="Tờ khai đăng ký kết hôn", originals=1),
        ],
    )

    rows = list(procedure.required_documents.order_by("order"))
    assert [(d.pk, d.order, d.name) for d in rows] == [
        (second.pk, 1, "Giấy tờ tùy thân"),
        (first.pk, 2, "Tờ khai đăng ký kết hôn"),
    ]
    assert rows[1].form_file.name.endswith(".pdf")

    with pytest.raises(CatalogValidationError) as caught:
        catalog.set_required_documents(
            actor=unit_admin, procedure=procedure, documents=[DocumentData(id=first.pk, name="X")]
        )
    assert caught.value.messages == [
        (
            "Giấy tờ “Giấy tờ tùy thân” đã có trong hồ sơ đã tiếp nhận nên không xóa được; "
            "hãy sửa dòng đó thay vì xóa."
        )
    ]
    assert procedure.required_documents.count() == 2


def test_form_file_must_be_an_office_document(unit_admin, procedure):
    with pytest.raises(CatalogValidationError) as caught:
        catalog.set_required_documents(
            actor=unit_admin,
            procedure=procedure,
            documents=[
                DocumentData(name="Tờ khai", form_file=SimpleUploadedFile("virus.exe", b"MZ"))
            ],
        )

    assert caught.value.messages == [
        "Thành phần hồ sơ thứ 1: Tệp mẫu phải là PDF, Word, Excel hoặc OpenDocument."
    ]
    assert procedure.required_documents.count() == 2


@pytest.mark.parametrize(
    ("fee", "message"),
    [
        (
            FeeData(name="Phí", amount=2000, basis="page", reduced_amount=1000),
            "Mức thu giảm và trang bắt đầu áp dụng mức giảm phải nhập cùng nhau.",
        ),
        (
            FeeData(name="Phí", amount=2000, basis="page", cap=1000),
            "Mức thu tối đa không được thấp hơn mức thu.",
        ),
        (
            FeeData(name="Lệ phí", amount=10000, cap=200000),
            "Mức giảm và mức tối đa chỉ dùng cho cách tính theo trang hoặc theo bản.",
        ),
    ],
)
def test_fee_rules_are_checked(unit_admin, procedure, fee, message):
    with pytest.raises(CatalogValidationError) as caught:
        catalog.set_fee_rules(actor=unit_admin, procedure=procedure, fees=[fee])

    assert caught.value.messages == [f"Khoản phí, lệ phí thứ 1: {message}"]
    assert not FeeRule.objects.exists()


def test_fee_rules_replace_the_old_ones(unit_admin, procedure):
    catalog.set_fee_rules(
        actor=unit_admin, procedure=procedure, fees=[FeeData(name="Lệ phí", amount=10000)]
    )
    catalog.set_fee_rules(
        actor=unit_admin,
        procedure=procedure,
        fees=[
            FeeData(name="Lệ phí trực tiếp", amount=20000, channel="direct"),
            FeeData(name="Lệ phí trực tuyến", amount=10000, channel="online"),
        ],
    )

    assert list(procedure.fee_rules.values_list("name", "amount", "channel")) == [
        ("Lệ phí trực tiếp", 20000, "direct"),
        ("Lệ phí trực tuyến", 10000, "online"),
    ]


def test_activate_and_deactivate_with_audit(unit_admin, procedure):
    catalog.set_procedure_active(actor=unit_admin, procedure=procedure, is_active=False)
    catalog.set_procedure_active(actor=unit_admin, procedure=procedure, is_active=True)

    procedure.refresh_from_db()
    assert procedure.is_active is True
    assert list(
        AuditEvent.objects.filter(action__startswith="catalog.procedure_")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["catalog.procedure_deactivated", "catalog.procedure_activated"]


def test_a_procedure_without_process_cannot_be_activated(unit_admin, commune, civil_status):
    procedure = catalog.create_procedure(
        actor=unit_admin, unit=commune, data=certification_data(civil_status, is_active=False)
    )

    with pytest.raises(CatalogValidationError):
        catalog.set_procedure_active(actor=unit_admin, procedure=procedure, is_active=True)

    procedure.refresh_from_db()
    assert procedure.is_active is False


def test_new_field_is_created_once_and_found_by_name(db):
    created = catalog.get_or_create_field(code="cu-tru", name="Đăng ký, quản lý cư trú")

    assert catalog.get_or_create_field(code="", name="dang ky, quan ly cu tru") == created
    assert catalog.get_or_create_field(code="cu-tru", name="Khác") == created


# --- pages ----------------------------------------------------------------------------------

LIST = "/mot-cua/thu-tuc/"


@pytest.fixture
def catalog_of_three(procedure, identified_commune):
    """Kết hôn (the fixture), an active certification and an inactive birth registration."""
    certification_field = ProcedureFieldFactory(code="chung-thuc", name="Chứng thực")
    certification = ProcedureFactory(
        unit=identified_commune,
        code="2.000815",
        name="Chứng thực bản sao từ bản chính",
        field=certification_field,
        time_limit_kind="immediate",
        time_limit_value=D(0),
    )
    birth = ProcedureFactory(
        unit=identified_commune, code="1.001193", name="Đăng ký khai sinh", is_active=False
    )
    return procedure, certification, birth


def codes_in(response) -> list[str]:
    html = response.content.decode()
    return [code for code in ("1.000894", "2.000815", "1.001193") if f"<td>{code}</td>" in html]


def test_list_searches_without_diacritics_and_filters(unit_admin, client_as, catalog_of_three):
    _marriage, certification, _birth = catalog_of_three
    client = client_as(unit_admin)

    assert codes_in(client.get(LIST)) == ["1.000894", "2.000815", "1.001193"]
    assert codes_in(client.get(LIST, {"q": "chung thuc"})) == ["2.000815"]
    assert codes_in(client.get(LIST, {"q": "KẾT HÔN"})) == ["1.000894"]
    assert codes_in(client.get(LIST, {"field": certification.field_id})) == ["2.000815"]
    assert codes_in(client.get(LIST, {"active": "0"})) == ["1.001193"]
    partial = client.get(LIST, {"q": "khai"}, HTTP_HX_REQUEST="true")
    assert codes_in(partial) == ["1.001193"]
    assert "<html" not in partial.content.decode()


def test_create_page_makes_an_inactive_procedure_then_opens_the_process(
    unit_admin, client_as, commune, civil_status
):
    response = client_as(unit_admin).post(
        "/mot-cua/thu-tuc/them/",
        {
            "code": "1.004837",
            "name": "Đăng ký giám hộ",
            "field": civil_status.pk,
            "level": "Cấp xã",
            "time_limit_kind": "working_days",
            "time_limit_value": "3",
            "online_level": "none",
        },
    )

    procedure = Procedure.objects.get(unit=commune, code="1.004837")
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:procedure_steps", args=[procedure.pk])
    assert procedure.is_active is False


def test_create_page_with_a_new_field(unit_admin, client_as, commune):
    client_as(unit_admin).post(
        "/mot-cua/thu-tuc/them/",
        {
            "code": "1.004222",
            "name": "Đăng ký thường trú",
            "new_field_code": "cu-tru",
            "new_field_name": "Đăng ký, quản lý cư trú",
            "level": "Cấp xã",
            "time_limit_kind": "working_days",
            "time_limit_value": "7",
            "online_level": "partial",
        },
    )

    assert Procedure.objects.get(unit=commune, code="1.004222").field.code == "cu-tru"


def steps_post(procedure, budgets, *, kind="working_days", value="5", **extra) -> dict:
    steps = list(procedure.steps.order_by("order"))
    data = {
        "time_limit_kind": kind,
        "time_limit_value": value,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for index, (step, hours) in enumerate(zip(steps, budgets, strict=True)):
        data.update(
            {
                f"steps-{index}-id": str(step.pk),
                f"steps-{index}-ORDER": str(index + 1),
                f"steps-{index}-name": step.name,
                f"steps-{index}-kind": step.kind,
                f"steps-{index}-position": str(step.position_id),
                f"steps-{index}-budget_hours": str(hours),
            }
        )
    data.update(extra)
    return data


def test_steps_page_refuses_an_invalid_process_and_saves_nothing(unit_admin, client_as, procedure):
    url = reverse("dossiers:procedure_steps", args=[procedure.pk])
    before = list(procedure.steps.values_list("budget_hours", flat=True))

    response = client_as(unit_admin).post(url, steps_post(procedure, [0, 24, 8, 4]))

    assert response.status_code == 200
    assert (
        "Tổng thời gian các bước là 36 giờ, thời hạn pháp định là 40 giờ làm việc (5 ngày). "
        "Còn thiếu 4 giờ." in response.content.decode()
    )
    assert list(procedure.steps.values_list("budget_hours", flat=True)) == before


def test_steps_page_saves_a_valid_process_with_its_new_time(unit_admin, client_as, procedure):
    url = reverse("dossiers:procedure_steps", args=[procedure.pk])

    response = client_as(unit_admin).post(url, steps_post(procedure, [0, 4, 2, 2], value="1"))

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.time_limit_value == D(1)
    assert list(procedure.steps.values_list("budget_hours", flat=True)) == [D(0), D(4), D(2), D(2)]


def test_steps_page_live_budget_preview_saves_nothing(unit_admin, client_as, procedure):
    url = reverse("dossiers:procedure_steps", args=[procedure.pk])

    response = client_as(unit_admin).post(
        url, steps_post(procedure, [0, 30, 8, 4], preview="1"), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Tổng thời gian các bước là 42 giờ" in html
    assert "Thừa 2 giờ." in html
    assert list(procedure.steps.values_list("budget_hours", flat=True)) == [
        D(0),
        D(28),
        D(8),
        D(4),
    ]


def test_steps_page_offers_a_starting_process(unit_admin, client_as, commune, civil_status):
    procedure = catalog.create_procedure(
        actor=unit_admin, unit=commune, data=certification_data(civil_status, is_active=False)
    )

    html = client_as(unit_admin).get(reverse("dossiers:procedure_steps", args=[procedure.pk]))

    assert 'value="Tiếp nhận, kiểm tra hồ sơ"' in html.content.decode()


def test_documents_page_saves_rows_and_an_uploaded_form(unit_admin, client_as, procedure):
    url = reverse("dossiers:procedure_documents", args=[procedure.pk])
    first, second = procedure.required_documents.order_by("order")
    data = {
        "documents-TOTAL_FORMS": "3",
        "documents-INITIAL_FORMS": "2",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "50",
        "documents-0-id": str(first.pk),
        "documents-0-ORDER": "1",
        "documents-0-name": "Tờ khai đăng ký kết hôn",
        "documents-0-originals": "1",
        "documents-0-copies": "0",
        "documents-0-is_mandatory": "on",
        "documents-0-form_name": "Tờ khai",
        "documents-0-form_file": SimpleUploadedFile("to-khai-ket-hon.docx", b"PK mau"),
        "documents-1-id": str(second.pk),
        "documents-1-ORDER": "2",
        "documents-1-name": second.name,
        "documents-1-originals": "0",
        "documents-1-copies": "1",
        "documents-1-DELETE": "on",
        "documents-2-ORDER": "3",
        "documents-2-name": "Giấy xác nhận nơi cư trú",
        "documents-2-originals": "1",
        "documents-2-copies": "0",
    }

    response = client_as(unit_admin).post(url, data)

    assert response.status_code == 302
    rows = list(procedure.required_documents.order_by("order"))
    assert [(d.name, d.originals, d.is_mandatory) for d in rows] == [
        ("Tờ khai đăng ký kết hôn", 1, True),
        ("Giấy xác nhận nơi cư trú", 1, False),
    ]
    assert rows[0].pk == first.pk
    assert rows[0].form_file.name.endswith(".docx")


def test_fees_page_saves_a_per_page_fee_with_cap(unit_admin, client_as, procedure):
    url = reverse("dossiers:procedure_fees", args=[procedure.pk])
    data = {
        "fees-TOTAL_FORMS": "2",
        "fees-INITIAL_FORMS": "0",
        "fees-MIN_NUM_FORMS": "0",
        "fees-MAX_NUM_FORMS": "20",
        "fees-0-name": "Phí chứng thực bản sao",
        "fees-0-amount": "2000",
        "fees-0-basis": "page",
        "fees-0-reduced_amount": "1000",
        "fees-0-reduced_from": "3",
        "fees-0-cap": "200000",
        "fees-0-channel": "any",
        "fees-1-basis": "case",
        "fees-1-channel": "any",
    }

    response = client_as(unit_admin).post(url, data)

    assert response.status_code == 302
    assert list(
        procedure.fee_rules.values_list("amount", "basis", "reduced_amount", "reduced_from", "cap")
    ) == [(2000, "page", 1000, 3, 200000)]
    detail = client_as(unit_admin).get(reverse("dossiers:procedure_detail", args=[procedure.pk]))
    assert "2.000 đ/trang; từ trang 3: 1.000 đ/trang; tối đa 200.000 đ/bản" in (
        detail.content.decode()
    )


def test_deactivate_button(unit_admin, client_as, procedure):
    url = reverse("dossiers:procedure_set_active", args=[procedure.pk])

    response = client_as(unit_admin).post(url, {"is_active": "0"})

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.is_active is False


def test_detail_page_shows_the_budget_check(unit_admin, client_as, procedure):
    html = client_as(unit_admin).get(reverse("dossiers:procedure_detail", args=[procedure.pk]))

    assert (
        "Tổng thời gian các bước là 40 giờ, đúng thời hạn pháp định 40 giờ làm việc (5 ngày)."
        in html.content.decode()
    )


def test_import_page_reports_errors_and_saves_nothing(unit_admin, client_as, commune):
    bad = [{"code": "1.001193", "name": "Đăng ký khai sinh", "time_limit_kind": "soon"}]
    upload = SimpleUploadedFile("danh-muc.json", json.dumps(bad).encode(), "application/json")

    response = client_as(unit_admin).post("/mot-cua/thu-tuc/nhap/", {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thủ tục thứ 1 (mã 1.001193), trường “time_limit_kind”" in html
    assert not Procedure.objects.filter(unit=commune).exists()


def test_export_files(unit_admin, client_as, procedure):
    client = client_as(unit_admin)

    as_json = client.get("/mot-cua/thu-tuc/xuat.json")
    as_xlsx = client.get("/mot-cua/thu-tuc/xuat.xlsx")

    assert [record["code"] for record in json.loads(as_json.content)] == ["1.000894"]
    assert as_json["Content-Disposition"] == 'attachment; filename="danh-muc-thu-tuc-16777.json"'
    assert as_xlsx.content[:2] == b"PK"


def test_import_page_accepts_a_valid_file(unit_admin, client_as, procedure, other_commune):
    exported = client_as(unit_admin).get("/mot-cua/thu-tuc/xuat.xlsx").content
    procedure.name = "Tên cũ"
    procedure.save()

    response = client_as(unit_admin).post(
        "/mot-cua/thu-tuc/nhap/", {"file": SimpleUploadedFile("danh-muc.xlsx", exported)}
    )

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.name == "Đăng ký kết hôn"


# --- tenancy: every page and route ----------------------------------------------------------


def detail_urls(procedure: Procedure) -> list[tuple[str, str, dict]]:
    pk = procedure.pk
    return [
        (f"/mot-cua/thu-tuc/{pk}/", "get", {}),
        (f"/mot-cua/thu-tuc/{pk}/sua/", "get", {}),
        (f"/mot-cua/thu-tuc/{pk}/quy-trinh/", "get", {}),
        (f"/mot-cua/thu-tuc/{pk}/thanh-phan-ho-so/", "get", {}),
        (f"/mot-cua/thu-tuc/{pk}/phi-le-phi/", "get", {}),
        (f"/mot-cua/thu-tuc/{pk}/trang-thai/", "post", {"is_active": "1"}),
    ]


def test_isolation_of_pages_naming_a_procedure(unit_admin, clerk, other_unit_admin, procedure):
    for url, method, data in detail_urls(procedure):
        assert_isolation(
            IsolationCase(
                url=url,
                method=method,
                data=data,
                allowed=unit_admin,
                wrong_role=clerk,
                other_unit=other_unit_admin,
            )
        )


def test_isolation_of_edit_posts(unit_admin, clerk, other_unit_admin, procedure):
    assert_isolation(
        IsolationCase(
            url=reverse("dossiers:procedure_steps", args=[procedure.pk]),
            method="post",
            data=steps_post(procedure, [0, 28, 8, 4]),
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=302,
        )
    )
    assert_isolation(
        IsolationCase(
            url=reverse("dossiers:procedure_fees", args=[procedure.pk]),
            method="post",
            data={"fees-TOTAL_FORMS": "0", "fees-INITIAL_FORMS": "0"},
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            allowed_status=302,
        )
    )


@pytest.mark.parametrize(
    "url",
    [
        "/mot-cua/thu-tuc/",
        "/mot-cua/thu-tuc/them/",
        "/mot-cua/thu-tuc/nhap/",
        "/mot-cua/thu-tuc/xuat.json",
    ],
)
def test_isolation_of_unit_pages(url, unit_admin, clerk, other_unit_admin, procedure):
    procedure.name = "Đăng ký kết hôn riêng của Quỳ Châu"
    procedure.save()
    assert_isolation(
        IsolationCase(
            url=url,
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="riêng của Quỳ Châu",
            allowed_status=200,
        )
    )


def test_isolation_of_xlsx_export(unit_admin, clerk, other_unit_admin, procedure):
    assert_isolation(
        IsolationCase(
            url="/mot-cua/thu-tuc/xuat.xlsx",
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            allowed_status=200,
        )
    )
    other = client_for(other_unit_admin).get("/mot-cua/thu-tuc/xuat.xlsx")
    assert "Đăng ký kết hôn" not in xlsx_text(other.content)
    own = client_for(unit_admin).get("/mot-cua/thu-tuc/xuat.xlsx")
    assert "Đăng ký kết hôn" in xlsx_text(own.content)


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_isolation_of_import_post(unit_admin, clerk, other_unit_admin, procedure, commune):
    record = json.dumps(
        [
            {
                "code": "9.999999",
                "name": "Thủ tục thử",
                "field": {"code": "G15-HT", "name": "Hộ tịch"},
                "time_limit_kind": "immediate",
                "is_active": False,
            }
        ]
    ).encode()

    data: dict = {}

    def fresh_upload() -> None:
        # Each request consumes the uploaded file.
        data["file"] = SimpleUploadedFile("a.json", record)

    assert_isolation(
        IsolationCase(
            url="/mot-cua/thu-tuc/nhap/",
            method="post",
            data=data,
            before_each=fresh_upload,
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            # The other administrator imports into their own unit only.
            other_unit_status=302,
            allowed_status=302,
        )
    )
    assert sorted(
        Procedure.objects.filter(code="9.999999").values_list("unit_id", flat=True)
    ) == sorted([commune.pk, other_unit_admin.unit_id])


API = "/api/v1/mot-cua/catalog"


def test_api_lists_and_reads_the_callers_procedures(client_as, clerk, catalog_of_three):
    marriage, _certification, _birth = catalog_of_three
    client = client_as(clerk)

    listed = client.get(f"{API}/procedures", {"q": "chung thuc"}).json()
    detail = client.get(f"{API}/procedures/{marriage.pk}").json()

    assert [item["code"] for item in listed] == ["2.000815"]
    assert detail["code"] == "1.000894"
    assert detail["time_limit_hours"] == 40
    assert [step["position"] for step in detail["steps"]] == [
        "counter_officer",
        "justice_civil_status",
        "chairman",
        "counter_officer",
    ]
    assert detail["process_problems"] == []


def test_api_import_saves_nothing_on_error_and_imports_when_valid(client_as, unit_admin, commune):
    client = client_as(unit_admin)
    good = {
        "code": "2.000884",
        "name": "Chứng thực chữ ký",
        "field": {"code": "chung-thuc", "name": "Chứng thực"},
        "time_limit_kind": "immediate",
        "steps": [
            {
                "name": "Tiếp nhận",
                "kind": "reception",
                "position": "counter_officer",
                "budget_hours": 0,
            },
            {"name": "Trả", "kind": "return", "position": "counter_officer", "budget_hours": 9},
        ],
    }

    refused = client.post(f"{API}/import", [good], content_type="application/json")
    good["steps"][1]["budget_hours"] = 4
    accepted = client.post(f"{API}/import", [good], content_type="application/json")

    assert refused.status_code == 400
    assert refused.json()["detail"] == [
        (
            "Thủ tục thứ 1 (mã 2.000884), “steps.budget_hours”: Tổng thời gian các bước là 9 giờ, "
            "vượt quá một ngày làm việc (8 giờ) của thủ tục giải quyết ngay trong ngày: thừa 1 giờ."
        )
    ]
    assert accepted.status_code == 200
    assert accepted.json() == {"created": ["2.000884"], "updated": [], "unchanged": []}
    assert Procedure.objects.get(unit=commune, code="2.000884").is_active is True


def test_isolation_of_api_routes(unit_admin, clerk, other_unit_admin, procedure):
    procedure.name = "Đăng ký kết hôn riêng của Quỳ Châu"
    procedure.save()
    assert_isolation(
        IsolationCase(
            url=f"{API}/procedures",
            api=True,
            allowed=clerk,
            other_unit=other_unit_admin,
            other_unit_status=200,
            hidden_text="riêng của Quỳ Châu",
            allowed_status=200,
        )
    )
    assert_isolation(
        IsolationCase(
            url=f"{API}/procedures/{procedure.pk}",
            api=True,
            allowed=clerk,
            other_unit=other_unit_admin,
            allowed_status=200,
        )
    )
    assert_isolation(
        IsolationCase(
            url=f"{API}/import",
            api=True,
            method="post",
            data=[],
            content_type="application/json",
            allowed=unit_admin,
            wrong_role=clerk,
            other_unit=other_unit_admin,
            # An empty list is refused (400) for whoever may import; never 403/404 then.
            other_unit_status=400,
            allowed_status=400,
        )
    )


def test_received_dossier_uses_a_procedure_set_up_in_the_catalog(
    unit_admin, commune, identified_commune, civil_status, positions, applicant, receive
):
    procedure = catalog.create_procedure(
        actor=unit_admin,
        unit=identified_commune,
        data=certification_data(civil_status),
        steps=steps_for(positions, 0, 4, 2, 2),
    )

    dossier = receive(
        procedure, applicant, received_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    )

    assert [s.process_step_id for s in dossier.steps.order_by("order")] == list(
        ProcessStep.objects.filter(procedure=procedure)
        .order_by("order")
        .values_list("pk", flat=True)
    )
    assert dossier.due_at == datetime.datetime(2026, 3, 2, 17, 0, tzinfo=VN)
    assert RequiredDocument.objects.filter(procedure=procedure).count() == 0
