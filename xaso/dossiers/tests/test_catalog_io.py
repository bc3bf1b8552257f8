"""Catalog import and export: round trips, all-or-nothing import, the shipped seed file."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from openpyxl import load_workbook

from xaso.core.models import AuditEvent
from xaso.dossiers import catalog_io
from xaso.dossiers.management.commands.load_procedures import DEFAULT_FILE
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import catalog
from xaso.dossiers.tests.factories import ProcedureFactory


def export_json(unit) -> list[dict]:
    return json.loads(catalog_io.export_json(catalog_io.catalog_for_export(unit)))


@pytest.fixture
def seeded(commune):
    call_command("load_procedures", "--unit", str(commune.code), stdout=io.StringIO())
    return commune


def test_seed_file_loads_at_least_25_procedures_that_all_pass_validation(seeded):
    procedures = list(Procedure.objects.filter(unit=seeded))

    assert len(procedures) >= 25
    for procedure in procedures:
        assert procedure.steps.count() >= 3, procedure.code
        view = catalog.process_view(procedure)
        assert view.problems == [], (procedure.code, view.problems)
        assert view.summary.fits, procedure.code
        assert (
            catalog.validate_procedure(
                unit=seeded, data=catalog._data_of(procedure), procedure=procedure
            )
            == []
        ), procedure.code
        assert "procedures.md" in procedure.source


def test_seed_keeps_the_domain_fees_and_times(seeded):
    def get(code: str) -> Procedure:
        return Procedure.objects.get(unit=seeded, code=code)

    copy = get("2.000815").fee_rules.get()
    assert (copy.amount, copy.basis, copy.reduced_amount, copy.reduced_from, copy.cap) == (
        2000,
        "page",
        1000,
        3,
        200000,
    )
    assert get("2.000884").fee_rules.get().amount == 10000
    assert sorted(get("1.004222").fee_rules.values_list("channel", "amount")) == [
        ("direct", 20000),
        ("online", 10000),
    ]
    assert get("2.001263").fee_rules.get().amount == 400000
    birth = get("1.001193")
    assert (birth.time_limit_kind, birth.is_active, birth.fee_rules.count()) == (
        "immediate",
        True,
        0,
    )
    assert "Miễn lệ phí khi đăng ký đúng hạn" in birth.fee_note
    marriage = get("1.000894")
    assert marriage.result_code == "KQ.G15.000032"
    residence_step = get("1.004222").steps.get(kind="processing")
    assert residence_step.position.code == "office_statistics"
    assert get("1.001776").steps.get(kind="processing").position.code == "culture_social"
    assert get("1.012812").steps.get(kind="processing").position.code == "land_construction"
    assert get("1.001612").steps.get(kind="processing").position.code == "finance_accounting"
    # Unknown legal times: recorded as such and not applied until the unit confirms them.
    unknown = get("1.001776")
    assert unknown.is_active is False
    assert unknown.time_limit_note.startswith("Chưa xác định (procedures.md: Unknown).")


def test_loading_twice_changes_nothing(seeded):
    before = export_json(seeded)
    events = AuditEvent.objects.count()
    out = io.StringIO()

    call_command("load_procedures", "--unit", str(seeded.code), stdout=out)

    assert "thêm 0, cập nhật 0, giữ nguyên 30 thủ tục" in out.getvalue()
    assert export_json(seeded) == before
    assert AuditEvent.objects.count() == events


def test_load_procedures_refuses_an_unknown_unit(db):
    with pytest.raises(CommandError, match="Không có xã, phường mã 99999"):
        call_command("load_procedures", "--unit", "99999")


def test_json_round_trip_gives_the_same_catalog(seeded, other_commune):
    exported = catalog_io.export_json(catalog_io.catalog_for_export(seeded))

    result = catalog_io.import_catalog(
        actor=None, unit=other_commune, records=catalog_io.parse_json(exported)
    )

    assert len(result.created) == 30
    assert export_json(other_commune) == json.loads(exported)


def test_xlsx_round_trip_gives_the_same_catalog(seeded, other_commune):
    workbook = catalog_io.export_xlsx(catalog_io.catalog_for_export(seeded))

    catalog_io.import_catalog(
        actor=None, unit=other_commune, records=catalog_io.parse_xlsx(workbook)
    )

    assert export_json(other_commune) == export_json(seeded)


def test_xlsx_has_one_sheet_per_kind(seeded):
    workbook = load_workbook(
        io.BytesIO(catalog_io.export_xlsx(catalog_io.catalog_for_export(seeded)))
    )

    assert workbook.sheetnames == [
        "Thủ tục",
        "Thành phần hồ sơ",
        "Phí lệ phí",
        "Quy trình",
        "Giá trị hợp lệ",
    ]
    steps = workbook["Quy trình"]
    assert [cell.value for cell in steps[1]] == [
        "Mã thủ tục",
        "Thứ tự",
        "Tên bước",
        "Loại bước",
        "Chức danh (mã)",
        "Người thực hiện (tên đăng nhập)",
        "Thời gian (giờ làm việc)",
    ]
    assert [cell.value for cell in steps[2]] == [
        "1.000656",
        1,
        "Tiếp nhận, kiểm tra hồ sơ",
        "reception",
        "counter_officer",
        None,
        0,
    ]


def _broken_workbook(unit) -> bytes:
    """The unit's catalog with one bad budget: row 3 of "Quy trình" (step 2 of 1.000656)."""
    workbook = load_workbook(
        io.BytesIO(catalog_io.export_xlsx(catalog_io.catalog_for_export(unit)))
    )
    sheet = workbook["Quy trình"]
    assert sheet["A3"].value == "1.000656"
    sheet["G3"] = 7
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_xlsx_import_with_one_bad_row_saves_nothing_and_names_row_and_column(seeded, other_commune):
    content = _broken_workbook(seeded)
    events = AuditEvent.objects.count()

    with pytest.raises(catalog_io.CatalogImportError) as caught:
        catalog_io.import_file(actor=None, unit=other_commune, filename="a.xlsx", content=content)

    assert caught.value.errors == [
        (
            "Trang “Quy trình”, các dòng của thủ tục 1.000656 (2–5), cột G (Thời gian (giờ làm "
            "việc)): Tổng thời gian các bước là 11 giờ, vượt quá một ngày làm việc (8 giờ) của "
            "thủ tục giải quyết ngay trong ngày: thừa 3 giờ."
        )
    ]
    assert not Procedure.objects.filter(unit=other_commune).exists()
    assert AuditEvent.objects.count() == events


def test_xlsx_cell_errors_name_their_cell(seeded, other_commune):
    workbook = load_workbook(
        io.BytesIO(catalog_io.export_xlsx(catalog_io.catalog_for_export(seeded)))
    )
    workbook["Quy trình"]["E4"] = "truong_thon"
    workbook["Phí lệ phí"]["C2"] = "hai nghìn"
    workbook["Thủ tục"]["G2"] = "sớm"
    output = io.BytesIO()
    workbook.save(output)

    with pytest.raises(catalog_io.CatalogImportError) as caught:
        catalog_io.import_file(
            actor=None, unit=other_commune, filename="a.xlsx", content=output.getvalue()
        )

    errors = caught.value.errors
    assert errors[0].startswith(
        "Trang “Thủ tục”, dòng 2, cột G (Loại thời hạn): Giá trị “sớm” không hợp lệ"
    )
    assert (
        "Trang “Quy trình”, dòng 4, cột E (Chức danh (mã)): Không có chức danh mã “truong_thon”."
        in errors
    )
    assert any(e.startswith("Trang “Phí lệ phí”, dòng 2, cột C (Mức thu (đồng)): ") for e in errors)
    assert not Procedure.objects.filter(unit=other_commune).exists()


def test_json_import_errors_name_the_procedure_and_key(commune):
    records = [
        {
            "code": "1.004837",
            "name": "Đăng ký giám hộ",
            "field": {"code": "ho-tich", "name": "Hộ tịch"},
            "time_limit_kind": "working_days",
            "time_limit_value": 3,
            "is_active": False,
        },
        {
            "code": "1.004837",
            "name": "Trùng mã",
            "field": {"code": "ho-tich", "name": "Hộ tịch"},
            "time_limit_kind": "immediate",
            "is_active": False,
            "steps": [{"name": "Tiếp nhận", "kind": "reception", "budget_hours": 0}],
        },
    ]

    with pytest.raises(catalog_io.CatalogImportError) as caught:
        catalog_io.import_catalog(
            actor=None,
            unit=commune,
            records=catalog_io.parse_json(json.dumps(records).encode()),
        )

    assert caught.value.errors == [
        (
            "Thủ tục thứ 2 (mã 1.004837), trường “code”: Mã thủ tục 1.004837 lặp lại (đã có ở "
            "thủ tục thứ 1 trong tệp)."
        )
    ]
    assert not Procedure.objects.filter(unit=commune).exists()


def test_import_updates_a_procedure_with_the_same_code(procedure, unit_admin):
    records = export_json(procedure.unit)
    records[0]["name"] = "Đăng ký kết hôn (cập nhật)"
    records[0]["fees"] = [
        {"name": "Lệ phí", "amount": "10.000", "basis": "trường hợp", "channel": "any"}
    ]
    old_steps = list(procedure.steps.order_by("order").values_list("pk", flat=True))

    result = catalog_io.import_catalog(
        actor=unit_admin,
        unit=procedure.unit,
        records=catalog_io.parse_json(json.dumps(records).encode()),
    )

    procedure.refresh_from_db()
    assert (result.created, result.updated) == ([], ["1.000894"])
    assert procedure.name == "Đăng ký kết hôn (cập nhật)"
    assert list(procedure.fee_rules.values_list("amount", "basis")) == [(10000, "case")]
    assert list(procedure.steps.order_by("order").values_list("pk", flat=True)) == old_steps
    assert AuditEvent.objects.filter(action="catalog.imported", actor=unit_admin).count() == 1


def test_import_without_parts_keeps_them(procedure, unit_admin):
    record = export_json(procedure.unit)[0]
    for key in ("documents", "fees", "steps"):
        del record[key]
    record["time_limit_value"] = 4

    with pytest.raises(catalog_io.CatalogImportError) as caught:
        catalog_io.import_catalog(
            actor=unit_admin,
            unit=procedure.unit,
            records=catalog_io.parse_json(json.dumps([record]).encode()),
        )

    assert caught.value.errors[0].startswith(
        "Thủ tục thứ 1 (mã 1.000894), trường “time_limit_value”: Thời hạn mới không khớp"
    )
    assert procedure.steps.count() == 4


def test_import_needs_the_catalog_permission(clerk, commune):
    with pytest.raises(catalog.PermissionDenied):
        catalog_io.import_catalog(actor=clerk, unit=commune, records=[])


def test_not_a_workbook_is_refused(commune):
    with pytest.raises(catalog_io.CatalogImportError) as caught:
        catalog_io.import_file(actor=None, unit=commune, filename="a.xlsx", content=b"PK not zip")

    assert caught.value.errors == ["Tệp không phải bảng tính Excel (.xlsx) hợp lệ."]


def test_unchanged_procedure_is_left_alone(procedure):
    records = catalog_io.parse_json(catalog_io.export_json([procedure]))

    result = catalog_io.import_catalog(actor=None, unit=procedure.unit, records=records)

    assert result.unchanged == ["1.000894"]
    assert not AuditEvent.objects.filter(action__startswith="catalog.").exists()


def test_thousands_and_decimal_commas_are_read_the_vietnamese_way(commune):
    record = {
        "code": "2.000815",
        "name": "Chứng thực bản sao",
        "field": {"code": "chung-thuc", "name": "Chứng thực"},
        "time_limit_kind": "Giải quyết ngay trong ngày (quy tắc 15 giờ)",
        "is_active": "có",
        "fees": [
            {
                "name": "Phí",
                "amount": "2.000",
                "basis": "page",
                "reduced_amount": "1.000",
                "reduced_from": 3,
                "cap": "200.000",
            }
        ],
        "steps": [
            {
                "name": "Tiếp nhận",
                "kind": "Tiếp nhận",
                "position": "counter_officer",
                "budget_hours": "0",
            },
            {
                "name": "Xử lý",
                "kind": "processing",
                "position": "Công chức Tư pháp – Hộ tịch",
                "budget_hours": "4,5",
            },
            {"name": "Trả", "kind": "return", "position": "counter_officer", "budget_hours": "1,5"},
        ],
    }

    catalog_io.import_catalog(
        actor=None, unit=commune, records=catalog_io.parse_json(json.dumps([record]).encode())
    )

    procedure = Procedure.objects.get(unit=commune, code="2.000815")
    assert procedure.is_active is True
    assert list(procedure.steps.values_list("budget_hours", flat=True)) == [
        Decimal(0),
        Decimal("4.5"),
        Decimal("1.5"),
    ]
    assert list(procedure.fee_rules.values_list("amount", "reduced_amount", "cap")) == [
        (2000, 1000, 200000)
    ]


def test_seed_file_is_a_plain_list_with_sources(db):
    records = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))

    assert isinstance(records, list)
    assert len({record["code"] for record in records}) == len(records) >= 25
    assert all(record["source"].startswith("procedures.md") for record in records)


def test_factory_procedure_exports_with_its_field(identified_commune):
    procedure = ProcedureFactory(unit=identified_commune)

    record = catalog_io.procedure_record(procedure)

    assert record["field"] == {"code": "G15-HT", "name": "Hộ tịch"}
    assert record["time_limit_value"] == 5
    assert [step["budget_hours"] for step in record["steps"]] == [0, 28, 8, 4]
