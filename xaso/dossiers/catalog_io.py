"""Import and export of a unit's procedure catalog as JSON and XLSX.

Both formats carry the same records (one per procedure, with its documents, fees and
steps; steps name positions by code and persons by user name). JSON is one list of
procedure objects; XLSX has one sheet per kind ("Thủ tục", "Thành phần hồ sơ",
"Phí lệ phí", "Quy trình") whose rows refer to their procedure by code. Export then
import gives back the same catalog.

The import validates every record first (with the services' own validation) and saves
nothing when anything is wrong; each error names where it is (sheet, row and column, or
the procedure and key in JSON), in Vietnamese. A procedure whose code already exists in
the unit is updated; one whose content is unchanged is left alone, so loading the same
file twice changes nothing.
"""

import io
import json
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.models import AdministrativeUnit
from xaso.core.models import Position
from xaso.core.models import User
from xaso.core.search import normalize_search_text
from xaso.dossiers import process_rules
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcedureField
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.services import catalog as services
from xaso.dossiers.services.catalog import DocumentData
from xaso.dossiers.services.catalog import FeeData
from xaso.dossiers.services.catalog import Problem
from xaso.dossiers.services.catalog import ProcedureData
from xaso.dossiers.services.catalog import StepData

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_REPORTED_ERRORS = 200

# --- Columns (XLSX) and keys (JSON) -------------------------------------------------------

PROCEDURE_SHEET = "Thủ tục"
DOCUMENT_SHEET = "Thành phần hồ sơ"
FEE_SHEET = "Phí lệ phí"
STEP_SHEET = "Quy trình"
HELP_SHEET = "Giá trị hợp lệ"

PROCEDURE_COLUMNS = [
    ("code", "Mã thủ tục", 14),
    ("name", "Tên thủ tục", 50),
    ("field_code", "Mã lĩnh vực", 14),
    ("field_name", "Tên lĩnh vực", 24),
    ("level", "Cấp thực hiện", 12),
    ("implementing_agency", "Cơ quan thực hiện", 26),
    ("time_limit_kind", "Loại thời hạn", 16),
    ("time_limit_value", "Thời hạn", 10),
    ("time_limit_note", "Ghi chú thời hạn", 40),
    ("fee_note", "Phí, lệ phí (mô tả)", 40),
    ("fee_exemptions", "Trường hợp miễn, giảm", 40),
    ("result_name", "Kết quả", 30),
    ("result_code", "Mã kết quả (KQ)", 16),
    ("legal_basis", "Căn cứ pháp lý", 40),
    ("conditions", "Yêu cầu, điều kiện", 30),
    ("steps_description", "Trình tự thực hiện", 40),
    ("online_level", "Mức độ trực tuyến", 14),
    ("is_active", "Đang áp dụng", 12),
    ("source", "Nguồn dữ liệu", 40),
]
DOCUMENT_COLUMNS = [
    ("procedure", "Mã thủ tục", 14),
    ("order", "Thứ tự", 8),
    ("name", "Tên giấy tờ", 60),
    ("originals", "Số bản chính", 12),
    ("copies", "Số bản sao", 12),
    ("is_mandatory", "Bắt buộc", 10),
    ("form_name", "Mẫu đơn, tờ khai", 30),
]
FEE_COLUMNS = [
    ("procedure", "Mã thủ tục", 14),
    ("name", "Tên khoản thu", 40),
    ("amount", "Mức thu (đồng)", 14),
    ("basis", "Cách tính", 10),
    ("reduced_amount", "Mức thu giảm (đồng)", 16),
    ("reduced_from", "Áp dụng mức giảm từ trang", 16),
    ("cap", "Mức thu tối đa mỗi bản (đồng)", 18),
    ("channel", "Hình thức nộp", 12),
    ("note", "Ghi chú", 40),
]
STEP_COLUMNS = [
    ("procedure", "Mã thủ tục", 14),
    ("order", "Thứ tự", 8),
    ("name", "Tên bước", 40),
    ("kind", "Loại bước", 12),
    ("position", "Chức danh (mã)", 22),
    ("assignee", "Người thực hiện (tên đăng nhập)", 22),
    ("budget_hours", "Thời gian (giờ làm việc)", 14),
]
SHEETS = {
    "procedure": (PROCEDURE_SHEET, PROCEDURE_COLUMNS),
    services.DOCUMENTS: (DOCUMENT_SHEET, DOCUMENT_COLUMNS),
    services.FEES: (FEE_SHEET, FEE_COLUMNS),
    services.STEPS: (STEP_SHEET, STEP_COLUMNS),
}
# Model field → record key, where they differ.
FIELD_KEYS = {"field": "field_code"}


# --- Export -------------------------------------------------------------------------------


def _number(value: Decimal | int | None) -> int | float | None:
    """A Decimal as a plain JSON/XLSX number: 40.00 → 40, 2.50 → 2.5."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def procedure_record(procedure: Procedure) -> dict[str, Any]:
    """The procedure as one export record (the JSON object of one procedure)."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": {"code": procedure.field.code, "name": procedure.field.name},
        "level": procedure.level,
        "implementing_agency": procedure.implementing_agency,
        "time_limit_kind": procedure.time_limit_kind,
        "time_limit_value": _number(procedure.time_limit_value),
        "time_limit_note": procedure.time_limit_note,
        "fee_note": procedure.fee_note,
        "fee_exemptions": procedure.fee_exemptions,
        "result_name": procedure.result_name,
        "result_code": procedure.result_code,
        "legal_basis": procedure.legal_basis,
        "conditions": procedure.conditions,
        "steps_description": procedure.steps_description,
        "online_level": procedure.online_level,
        "is_active": procedure.is_active,
        "source": procedure.source,
        "documents": [
            {
                "name": document.name,
                "originals": document.originals,
                "copies": document.copies,
                "is_mandatory": document.is_mandatory,
                "form_name": document.form_name,
            }
            for document in sorted(
                procedure.required_documents.all(), key=lambda d: (d.order, d.pk)
            )
        ],
        "fees": [
            {
                "name": fee.name,
                "amount": fee.amount,
                "basis": fee.basis,
                "reduced_amount": fee.reduced_amount,
                "reduced_from": fee.reduced_from,
                "cap": fee.cap,
                "channel": fee.channel,
                "note": fee.note,
            }
            for fee in sorted(procedure.fee_rules.all(), key=lambda f: f.pk)
        ],
        "steps": [
            {
                "name": step.name,
                "kind": step.kind,
                "position": step.position.code if step.position else None,
                "assignee": step.assignee.username if step.assignee else None,
                "budget_hours": _number(step.budget_hours),
            }
            for step in sorted(procedure.steps.all(), key=lambda s: s.order)
        ],
    }


def export_records(procedures: Iterable[Procedure]) -> list[dict[str, Any]]:
    return [procedure_record(procedure) for procedure in procedures]


def catalog_for_export(unit: AdministrativeUnit) -> list[Procedure]:
    """Every procedure of `unit` (active or not), in code order."""
    return list(
        Procedure.objects.filter(unit=unit)
        .select_related("field")
        .prefetch_related(
            "required_documents",
            "fee_rules",
            Prefetch("steps", queryset=ProcessStep.objects.select_related("position", "assignee")),
        )
        .order_by("code")
    )


def export_json(procedures: Iterable[Procedure]) -> bytes:
    text = json.dumps(export_records(procedures), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _choice_help() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for column, choices in (
        ("Loại thời hạn", Procedure.TimeLimitKind.choices),
        ("Mức độ trực tuyến", Procedure.OnlineLevel.choices),
        ("Cách tính", FeeRule.Basis.choices),
        ("Hình thức nộp", FeeRule.Channel.choices),
        ("Loại bước", ProcessStep.Kind.choices),
    ):
        rows.extend((column, value, str(label)) for value, label in choices)
    rows.extend(
        ("Chức danh (mã)", position.code, position.name)
        for position in Position.objects.order_by("sort_order", "code")
    )
    rows.append(("Đang áp dụng, Bắt buộc", "có", "có / không"))
    return rows


def export_xlsx(procedures: Iterable[Procedure]) -> bytes:
    """The catalog as a workbook: one sheet per kind, plus the list of valid values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    records = export_records(procedures)
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows: dict[str, list[list[Any]]] = {key: [] for key in SHEETS}
    yes, no = "có", "không"
    for record in records:
        values = {
            **record,
            "field_code": record["field"]["code"],
            "field_name": record["field"]["name"],
            "is_active": yes if record["is_active"] else no,
        }
        rows["procedure"].append([values[key] for key, _h, _w in PROCEDURE_COLUMNS])
        for order, document in enumerate(record["documents"], start=1):
            values = {
                **document,
                "procedure": record["code"],
                "order": order,
                "is_mandatory": yes if document["is_mandatory"] else no,
            }
            rows[services.DOCUMENTS].append([values[key] for key, _h, _w in DOCUMENT_COLUMNS])
        for fee in record["fees"]:
            values = {**fee, "procedure": record["code"]}
            rows[services.FEES].append([values[key] for key, _h, _w in FEE_COLUMNS])
        for order, step in enumerate(record["steps"], start=1):
            values = {**step, "procedure": record["code"], "order": order}
            rows[services.STEPS].append([values[key] for key, _h, _w in STEP_COLUMNS])
    bold = Font(bold=True)
    for key, (title, columns) in SHEETS.items():
        sheet = workbook.create_sheet(title)
        sheet.append([header for _k, header, _w in columns])
        for row in rows[key]:
            sheet.append(row)
        for index, (_k, _h, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
            sheet.cell(row=1, column=index).font = bold
            sheet.cell(row=1, column=index).alignment = Alignment(wrap_text=True)
        sheet.freeze_panes = "B2"
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append(["Cột", "Giá trị", "Ý nghĩa"])
    for row in _choice_help():
        help_sheet.append(list(row))
    for letter, width in (("A", 24), ("B", 22), ("C", 60)):
        help_sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- Import: reading the files ------------------------------------------------------------


Locator = Callable[[str, int | None, str | None], str]


@dataclass
class SourceRecord:
    """One procedure as read from a file, before conversion.

    `values` holds the procedure's own keys (the field as "field_code"/"field_name");
    a part (documents, fees, steps) is None when the file does not describe it, so the
    procedure keeps what it has. `locate(section, index, key)` says where a value is.
    """

    values: dict[str, Any]
    documents: list[dict[str, Any]] | None
    fees: list[dict[str, Any]] | None
    steps: list[dict[str, Any]] | None
    locate: Locator
    problems: list[Problem] = field(default_factory=list)


class CatalogImportError(ValidationError):
    """The file cannot be imported; `errors` are Vietnamese sentences naming the place."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(errors)


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


JSON_SECTION_LABELS = {
    services.DOCUMENTS: "documents",
    services.FEES: "fees",
    services.STEPS: "steps",
}


def parse_json(content: bytes) -> list[SourceRecord]:
    """Records of a JSON export: a list of procedure objects (or {"procedures": [...]})."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogImportError([_("Tệp không phải JSON hợp lệ (mã hóa UTF-8).")]) from exc
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        data = data["procedures"]
    if not isinstance(data, list):
        raise CatalogImportError([_("Tệp JSON phải là một danh sách các thủ tục.")])
    records = []
    for position, item in enumerate(data, start=1):
        locate = _json_locator(position, item.get("code") if isinstance(item, dict) else None)
        if not isinstance(item, dict):
            record = SourceRecord({}, None, None, None, locate)
            record.problems.append(
                Problem(services.PROCEDURE, _("Mỗi thủ tục phải là một đối tượng JSON."))
            )
            records.append(record)
            continue
        values = {
            key: value for key, value in item.items() if key not in JSON_SECTION_LABELS.values()
        }
        field_value = values.pop("field", None)
        if isinstance(field_value, dict):
            values["field_code"] = field_value.get("code", "")
            values["field_name"] = field_value.get("name", "")
        elif field_value is not None:
            values["field_code"] = field_value
        record = SourceRecord(
            values=values,
            documents=item.get("documents"),
            fees=item.get("fees"),
            steps=item.get("steps"),
            locate=locate,
        )
        for section, key in JSON_SECTION_LABELS.items():
            part = item.get(key)
            if part is not None and (
                not isinstance(part, list) or not all(isinstance(x, dict) for x in part)
            ):
                record.problems.append(
                    Problem(section, _("Phải là một danh sách các đối tượng JSON."))
                )
                setattr(record, section, None)
        records.append(record)
    return records


def _json_locator(position: int, code: object) -> Locator:
    def locate(section: str, index: int | None, key: str | None) -> str:
        where = _("Thủ tục thứ %(number)s") % {"number": position}
        if code:
            where += _(" (mã %(code)s)") % {"code": code}
        if section != services.PROCEDURE:
            path = JSON_SECTION_LABELS[section]
            where += f", “{path}"
            if index is not None:
                where += f"[{index}]"
            if key:
                where += f".{key}"
            where += "”"
        elif key:
            where += _(", trường “%(key)s”") % {"key": "field" if key.startswith("field_") else key}
        return where

    return locate


def _header_map(
    sheet: Any, columns: list[tuple[str, str, int]]
) -> tuple[dict[str, int], list[str]]:
    """Column index (from 1) of each key, found by header text; and the missing headers."""
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found = {
        normalize_search_text(str(value)): index for index, value in enumerate(first, 1) if value
    }
    mapping: dict[str, int] = {}
    missing = []
    for key, header, _width in columns:
        index = found.get(normalize_search_text(header))
        if index is None:
            missing.append(header)
        else:
            mapping[key] = index
    return mapping, missing


def _sheet_rows(sheet: Any, mapping: dict[str, int]) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = {
            key: row[index - 1] if index - 1 < len(row) else None for key, index in mapping.items()
        }
        values = {
            key: value.strip() if isinstance(value, str) else value for key, value in values.items()
        }
        if all(value in (None, "") for value in values.values()):
            continue
        rows.append((number, values))
    return rows


def parse_xlsx(content: bytes) -> list[SourceRecord]:
    """Records of an XLSX export (sheets found by name, columns by header)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a bad file
        raise CatalogImportError([_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")]) from exc
    try:
        if PROCEDURE_SHEET not in workbook.sheetnames:
            raise CatalogImportError(
                [_("Bảng tính thiếu trang “%(sheet)s”.") % {"sheet": PROCEDURE_SHEET}]
            )
        header_errors: list[str] = []
        parsed: dict[str, tuple[dict[str, int], list[tuple[int, dict[str, Any]]]] | None] = {}
        for key, (title, columns) in SHEETS.items():
            if title not in workbook.sheetnames:
                parsed[key] = None
                continue
            mapping, missing = _header_map(workbook[title], columns)
            header_errors.extend(
                _("Trang “%(sheet)s”, dòng 1: thiếu cột “%(column)s”.")
                % {"sheet": title, "column": header}
                for header in missing
            )
            parsed[key] = (mapping, _sheet_rows(workbook[title], mapping))
        if header_errors:
            raise CatalogImportError(header_errors)
    finally:
        workbook.close()

    def cell(section: str, row: int, key: str | None) -> str:
        title, columns = SHEETS[section]
        mapping = parsed[section][0]  # type: ignore[index]
        if key is None or key not in mapping:
            return _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": title, "row": row}
        header = next(h for k, h, _w in columns if k == key)
        return _("Trang “%(sheet)s”, dòng %(row)s, cột %(column)s (%(header)s)") % {
            "sheet": title,
            "row": row,
            "column": get_column_letter(mapping[key]),
            "header": header,
        }

    procedure_part = parsed["procedure"]
    assert procedure_part is not None  # noqa: S101 - checked above
    records: list[SourceRecord] = []
    by_code: dict[str, tuple[SourceRecord, dict[str, list[int]]]] = {}
    for row_number, values in procedure_part[1]:
        code = _text(values.get("code"))
        child_rows: dict[str, list[int]] = {}

        def locate(
            section: str,
            index: int | None,
            key: str | None,
            row_number: int = row_number,
            child_rows: dict[str, list[int]] = child_rows,
            code: str = code,
        ) -> str:
            if section == services.PROCEDURE:
                return cell(section, row_number, FIELD_KEYS.get(key or "", key))
            rows = child_rows.get(section, [])
            if index is not None and index < len(rows):
                return cell(section, rows[index], key)
            title, columns = SHEETS[section]
            mapping = parsed[section][0] if parsed[section] else {}  # type: ignore[index]
            where = _("Trang “%(sheet)s”, các dòng của thủ tục %(code)s") % {
                "sheet": title,
                "code": code,
            }
            if rows:
                where += f" ({min(rows)}–{max(rows)})"
            if key and key in mapping:
                header = next(h for k, h, _w in columns if k == key)
                where += _(", cột %(column)s (%(header)s)") % {
                    "column": get_column_letter(mapping[key]),
                    "header": header,
                }
            return where

        record = SourceRecord(
            values=values,
            documents=[] if parsed[services.DOCUMENTS] is not None else None,
            fees=[] if parsed[services.FEES] is not None else None,
            steps=[] if parsed[services.STEPS] is not None else None,
            locate=locate,
        )
        records.append(record)
        if code and code not in by_code:
            by_code[code] = (record, child_rows)

    orphans: list[str] = []
    for section in (services.DOCUMENTS, services.FEES, services.STEPS):
        part = parsed[section]
        if part is None:
            continue
        grouped: dict[str, list[tuple[Any, int, dict[str, Any]]]] = {}
        for row_number, values in part[1]:
            code = _text(values.get("procedure"))
            if code not in by_code:
                orphans.append(
                    _("%(where)s: mã thủ tục “%(code)s” không có trong trang “%(sheet)s”.")
                    % {
                        "where": cell(section, row_number, "procedure"),
                        "code": code,
                        "sheet": PROCEDURE_SHEET,
                    }
                )
                continue
            order = values.get("order")
            grouped.setdefault(code, []).append((_sort_key(order), row_number, values))
        for code, items in grouped.items():
            record, child_rows = by_code[code]
            items.sort(key=lambda item: (item[0], item[1]))
            child_rows[section] = [row_number for _o, row_number, _v in items]
            setattr(record, section, [values for _o, _r, values in items])
    if orphans:
        raise CatalogImportError(orphans)
    return records


def _sort_key(order: Any) -> float:
    number = process_rules.as_decimal(order)
    return float(number) if number is not None else float("inf")


def parse_file(filename: str, content: bytes) -> list[SourceRecord]:
    """Records of an uploaded .json or .xlsx file (by extension, else by content)."""
    if len(content) > MAX_IMPORT_BYTES:
        raise CatalogImportError([_("Tệp nhập không được lớn hơn 5 MB.")])
    name = filename.lower()
    if name.endswith(".json"):
        return parse_json(content)
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return parse_xlsx(content)
    return parse_json(content)


# --- Import: conversion -------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice_map(choices: list[tuple[str, Any]]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value, label in choices:
        mapping[normalize_search_text(value)] = value
        text = normalize_search_text(str(label))
        mapping[text] = value
        # "mỗi trang" may be typed as "trang".
        if text.startswith("moi "):
            mapping.setdefault(text[4:], value)
    return mapping


TRUE_WORDS = {"co", "x", "1", "true", "yes", "dung", "c"}
FALSE_WORDS = {"khong", "0", "false", "no", "k", "sai"}


class _Converter:
    """Turns one SourceRecord into service data, collecting problems with their key."""

    def __init__(
        self,
        unit: AdministrativeUnit,
        positions: dict[str, Position],
        users: dict[str, User],
        fields: dict[str, ProcedureField],
        new_fields: dict[str, ProcedureField],
    ) -> None:
        self.unit = unit
        self.positions = positions
        self.users = users
        self.fields = fields
        self.new_fields = new_fields
        self.problems: list[Problem] = []
        self.section = services.PROCEDURE
        self.index: int | None = None

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.section, message, self.index, key))

    def text(self, values: dict[str, Any], key: str) -> str:
        value = values.get(key)
        if isinstance(value, (dict, list)):
            self.problem(key, _("Phải là một chuỗi ký tự."))
            return ""
        return _text(value)

    def choice(
        self, values: dict[str, Any], key: str, choices: list[tuple[str, Any]], default: str | None
    ) -> str:
        raw = self.text(values, key)
        if not raw:
            if default is None:
                self.problem(key, _("Chưa nhập giá trị."))
                return ""
            return default
        value = _choice_map(choices).get(normalize_search_text(raw))
        if value is None:
            allowed = ", ".join(code for code, _label in choices)
            self.problem(
                key,
                _("Giá trị “%(value)s” không hợp lệ; dùng một trong: %(allowed)s.")
                % {"value": raw, "allowed": allowed},
            )
            return default or ""
        return value

    def boolean(self, values: dict[str, Any], key: str, default: bool) -> bool:
        value = values.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        word = normalize_search_text(_text(value))
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.problem(key, _("Phải là “có” hoặc “không”."))
        return default

    def decimal(self, values: dict[str, Any], key: str, *, required: bool) -> Decimal | None:
        value = values.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, _("Chưa nhập giá trị."))
            return None
        number = process_rules.as_decimal(value)
        if number is None:
            self.problem(key, _("Phải là một số."))
        return number

    def integer(self, values: dict[str, Any], key: str, *, required: bool) -> int | None:
        value = values.get(key)
        if isinstance(value, str):
            # "2.000" and "200,000" are Vietnamese thousands, not decimals.
            stripped = value.replace(" ", "")
            parts = stripped.replace(",", ".").split(".")
            if len(parts) > 1 and all(p.isdigit() and len(p) == 3 for p in parts[1:]):
                value = "".join(parts)
        number = self.decimal({key: value}, key, required=required)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            self.problem(key, _("Phải là số nguyên không âm."))
            return None
        return int(number)

    def procedure_field(self, values: dict[str, Any]) -> ProcedureField | None:
        code = self.text(values, "field_code")
        name = self.text(values, "field_name")
        if code and code in self.fields:
            return self.fields[code]
        key = normalize_search_text(name)
        if key and key in self.fields:
            return self.fields[key]
        if not code and not name:
            self.problem("field_code", _("Chưa nhập lĩnh vực."))
            return None
        if not code or not name:
            self.problem(
                "field_code",
                _("Lĩnh vực “%(value)s” chưa có trong danh mục; lĩnh vực mới cần cả mã và tên.")
                % {"value": code or name},
            )
            return None
        if code not in self.new_fields:
            new = ProcedureField(code=code, name=name)
            try:
                new.full_clean(validate_unique=False)
            except ValidationError as error:
                for message in error.messages:
                    self.problem("field_code", message)
                return None
            self.new_fields[code] = new
        return self.new_fields[code]

    def convert(
        self, record: SourceRecord
    ) -> tuple[
        ProcedureData | None,
        list[StepData] | None,
        list[DocumentData] | None,
        list[FeeData] | None,
    ]:
        values = record.values
        self.section, self.index = services.PROCEDURE, None
        kind = self.choice(values, "time_limit_kind", Procedure.TimeLimitKind.choices, None)
        value = self.decimal(values, "time_limit_value", required=kind != "immediate")
        data = ProcedureData(
            code=self.text(values, "code"),
            name=self.text(values, "name"),
            field=self.procedure_field(values),  # type: ignore[arg-type]
            time_limit_kind=kind,
            time_limit_value=value if value is not None else Decimal(0),
            level=self.text(values, "level") or "Cấp xã",
            implementing_agency=self.text(values, "implementing_agency"),
            time_limit_note=self.text(values, "time_limit_note"),
            fee_note=self.text(values, "fee_note"),
            fee_exemptions=self.text(values, "fee_exemptions"),
            result_name=self.text(values, "result_name"),
            result_code=self.text(values, "result_code"),
            legal_basis=self.text(values, "legal_basis"),
            conditions=self.text(values, "conditions"),
            steps_description=self.text(values, "steps_description"),
            online_level=self.choice(
                values, "online_level", Procedure.OnlineLevel.choices, Procedure.OnlineLevel.NONE
            ),
            source=self.text(values, "source"),
            is_active=self.boolean(values, "is_active", True),
        )
        if not data.code:
            self.problem("code", _("Chưa nhập mã thủ tục."))
        steps = (
            None
            if record.steps is None
            else [self.step(index, item) for index, item in enumerate(record.steps)]
        )
        documents = (
            None
            if record.documents is None
            else [self.document(index, item) for index, item in enumerate(record.documents)]
        )
        fees = (
            None
            if record.fees is None
            else [self.fee(index, item) for index, item in enumerate(record.fees)]
        )
        return data, steps, documents, fees

    def step(self, index: int, values: dict[str, Any]) -> StepData:
        self.section, self.index = services.STEPS, index
        position = None
        code = self.text(values, "position")
        if code:
            position = self.positions.get(code) or self.positions.get(normalize_search_text(code))
            if position is None:
                self.problem("position", _("Không có chức danh mã “%(code)s”.") % {"code": code})
        assignee = None
        username = self.text(values, "assignee")
        if username:
            assignee = self.users.get(username.lower())
            if assignee is None:
                self.problem(
                    "assignee",
                    _("Không có cán bộ tên đăng nhập “%(username)s” tại đơn vị.")
                    % {"username": username},
                )
        kind = self.choice(values, "kind", ProcessStep.Kind.choices, None)
        hours = self.decimal(values, "budget_hours", required=True)
        return StepData(
            name=self.text(values, "name"),
            kind=kind,
            budget_hours=hours if hours is not None else Decimal(0),
            position=position,
            assignee=assignee,
        )

    def document(self, index: int, values: dict[str, Any]) -> DocumentData:
        self.section, self.index = services.DOCUMENTS, index
        return DocumentData(
            name=self.text(values, "name"),
            originals=self.integer(values, "originals", required=False) or 0,
            copies=self.integer(values, "copies", required=False) or 0,
            is_mandatory=self.boolean(values, "is_mandatory", True),
            form_name=self.text(values, "form_name"),
        )

    def fee(self, index: int, values: dict[str, Any]) -> FeeData:
        self.section, self.index = services.FEES, index
        return FeeData(
            name=self.text(values, "name"),
            amount=self.integer(values, "amount", required=True) or 0,
            basis=self.choice(values, "basis", FeeRule.Basis.choices, FeeRule.Basis.PER_CASE),
            reduced_amount=self.integer(values, "reduced_amount", required=False),
            reduced_from=self.integer(values, "reduced_from", required=False),
            cap=self.integer(values, "cap", required=False),
            channel=self.choice(values, "channel", FeeRule.Channel.choices, FeeRule.Channel.ANY),
            note=self.text(values, "note"),
        )


@dataclass
class _Planned:
    record: SourceRecord
    data: ProcedureData
    steps: list[StepData] | None
    documents: list[DocumentData] | None
    fees: list[FeeData] | None
    existing: Procedure | None


def _comparable(
    data: ProcedureData,
    steps: list[StepData] | None,
    documents: list[DocumentData] | None,
    fees: list[FeeData] | None,
) -> dict[str, Any]:
    """The incoming procedure in the shape of `procedure_record`, for the unchanged check."""
    record: dict[str, Any] = {
        "code": data.code,
        "name": data.name,
        "field": {"code": data.field.code, "name": data.field.name},
        "level": data.level,
        "implementing_agency": data.implementing_agency,
        "time_limit_kind": data.time_limit_kind,
        "time_limit_value": _number(
            Decimal(0) if data.time_limit_kind == "immediate" else data.time_limit_value
        ),
        **{
            name: getattr(data, name)
            for name in (
                "time_limit_note",
                "fee_note",
                "fee_exemptions",
                "result_name",
                "result_code",
                "legal_basis",
                "conditions",
                "steps_description",
                "online_level",
                "is_active",
                "source",
            )
        },
    }
    if documents is not None:
        record["documents"] = [
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "is_mandatory": d.is_mandatory,
                "form_name": d.form_name,
            }
            for d in documents
        ]
    if fees is not None:
        record["fees"] = [
            {
                "name": f.name,
                "amount": f.amount,
                "basis": f.basis,
                "reduced_amount": f.reduced_amount,
                "reduced_from": f.reduced_from,
                "cap": f.cap,
                "channel": f.channel,
                "note": f.note,
            }
            for f in fees
        ]
    if steps is not None:
        record["steps"] = [
            {
                "name": s.name,
                "kind": s.kind,
                "position": s.position.code if s.position else None,
                "assignee": s.assignee.username if s.assignee else None,
                "budget_hours": _number(s.budget_hours),
            }
            for s in steps
        ]
    return record


def _is_unchanged(plan: _Planned) -> bool:
    if plan.existing is None or plan.data.field.pk is None:
        return False
    incoming = _comparable(plan.data, plan.steps, plan.documents, plan.fees)
    current = procedure_record(plan.existing)
    return all(current.get(key) == value for key, value in incoming.items())


def _keep_identities(plan: _Planned) -> None:
    """Reuse existing steps (by position) and documents (by name) of an updated procedure,
    so dossiers received earlier keep their links and documents keep their form files."""
    if plan.existing is None:
        return
    if plan.steps is not None:
        existing_steps = list(plan.existing.steps.order_by("order"))
        for step, old in zip(plan.steps, existing_steps, strict=False):
            step.id = old.pk
    if plan.documents is not None:
        by_name = {
            normalize_search_text(d.name): d.pk for d in plan.existing.required_documents.all()
        }
        for document in plan.documents:
            document.id = by_name.pop(normalize_search_text(document.name), None)


def _format(record: SourceRecord, problem: Problem) -> str:
    key = problem.field
    if problem.section == services.PROCEDURE:
        key = FIELD_KEYS.get(key or "", key)
    return f"{record.locate(problem.section, problem.index, key)}: {problem.message}"


def _lookups(unit: AdministrativeUnit) -> tuple[dict, dict, dict]:
    positions: dict[str, Position] = {}
    for position in Position.objects.all():
        positions[position.code] = position
        positions[normalize_search_text(position.name)] = position
    users = {u.username.lower(): u for u in User.objects.filter(unit=unit, is_active=True)}
    fields: dict[str, ProcedureField] = {}
    for procedure_field in ProcedureField.objects.all():
        fields.setdefault(normalize_search_text(procedure_field.name), procedure_field)
        fields[procedure_field.code] = procedure_field
    return positions, users, fields


def import_catalog(
    *, actor: User | None, unit: AdministrativeUnit, records: list[SourceRecord]
) -> ImportResult:
    """Create or update `unit`'s procedures from `records`, all or nothing.

    Every record is converted and validated before anything is written; any problem
    raises CatalogImportError listing each one with its place (nothing saved). The
    writes then go through the catalog services in one transaction (each with its audit
    event, plus one "catalog.imported" event when anything changed). `actor=None` is
    the system (management command); otherwise PermissionDenied without
    dossiers.manage_catalog in `unit`.
    """
    services.check_can_manage(actor, unit)
    positions, users, fields = _lookups(unit)
    new_fields: dict[str, ProcedureField] = {}
    existing = {p.code: p for p in Procedure.objects.filter(unit=unit).select_related("field")}
    errors: list[str] = []
    plans: list[_Planned] = []
    seen_codes: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        converter = _Converter(unit, positions, users, fields, new_fields)
        data, steps, documents, fees = converter.convert(record)
        problems = record.problems + converter.problems
        if data is not None and data.code:
            if data.code in seen_codes:
                problems.append(
                    Problem(
                        services.PROCEDURE,
                        _("Mã thủ tục %(code)s lặp lại (đã có ở thủ tục thứ %(number)s trong tệp).")
                        % {"code": data.code, "number": seen_codes[data.code]},
                        field="code",
                    )
                )
            seen_codes.setdefault(data.code, number)
        if data is not None and not problems:
            current = existing.get(data.code)
            problems = services.validate_procedure(
                unit=unit,
                data=data,
                procedure=current,
                steps=steps,
                documents=documents,
                fees=fees,
            )
            plans.append(_Planned(record, data, steps, documents, fees, current))
        errors.extend(_format(record, problem) for problem in problems)
    if not records:
        errors.append(_("Tệp không có thủ tục nào."))
    if errors:
        raise CatalogImportError(_limited(errors))
    result = ImportResult()
    with transaction.atomic():
        for plan in plans:
            if _is_unchanged(plan):
                result.unchanged.append(plan.data.code)
                continue
            if plan.data.field.pk is None:
                plan.data.field = services.get_or_create_field(
                    code=plan.data.field.code, name=plan.data.field.name
                )
            _keep_identities(plan)
            try:
                if plan.existing is None:
                    services.create_procedure(
                        actor=actor,
                        unit=unit,
                        data=plan.data,
                        steps=plan.steps,
                        documents=plan.documents,
                        fees=plan.fees,
                    )
                    result.created.append(plan.data.code)
                else:
                    services.update_procedure(
                        actor=actor,
                        procedure=plan.existing,
                        data=plan.data,
                        steps=plan.steps,
                        documents=plan.documents,
                        fees=plan.fees,
                    )
                    result.updated.append(plan.data.code)
            except services.CatalogValidationError as error:
                # Found only at write time (e.g. a step a dossier uses would be removed):
                # the transaction rolls back, so still nothing is saved.
                raise CatalogImportError(
                    [_format(plan.record, problem) for problem in error.problems]
                ) from error
        if result.created or result.updated:
            record_audit_event(
                action="catalog.imported",
                actor=actor,
                unit=unit,
                data={
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": len(result.unchanged),
                },
                actor_name="" if actor is not None else "system",
            )
    return result


def _limited(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    rest = len(errors) - MAX_REPORTED_ERRORS
    return [
        *errors[:MAX_REPORTED_ERRORS],
        _("… và %(count)s lỗi khác.") % {"count": rest},
    ]


def import_file(
    *, actor: User | None, unit: AdministrativeUnit, filename: str, content: bytes
) -> ImportResult:
    """Import an uploaded .json or .xlsx catalog file (see import_catalog)."""
    services.check_can_manage(actor, unit)
    return import_catalog(actor=actor, unit=unit, records=parse_file(filename, content))
