"""A register (one kind, one year, the user's unit) as a table: printed page, XLSX, PDF.

The legal column layouts of the registers (TT 04/2020/TT-BTP) are not in the domain notes:
the columns are the number, the registration date, the kind's declared fields
(KindSpec.columns), the approving leader and notes (late registration, corrections).
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xaso.civil_registry import kinds
from xaso.civil_registry import services
from xaso.core.models import User


@dataclass
class RegisterTable:
    title: str
    year: int
    headers: list[str]
    rows: list[list[str]]


def register_table(*, user: User, kind: str, year: int) -> RegisterTable:
    spec = kinds.spec_for(kind)
    fields = spec.column_fields
    headers = [
        _("Số"),
        _("Quyển"),
        _("Ngày đăng ký"),
        *[spec.label(name) for name in fields],
        _("Người ký"),
        _("Ghi chú"),
    ]
    rows = []
    for entry in services.register_entries(user=user, kind=kind, year=year).select_related(
        "approved_by"
    ):
        notes = []
        if entry.is_late:
            notes.append(_("Đăng ký quá hạn"))
        if entry.version > 1:
            notes.append(_("Đã thay đổi, cải chính (phiên bản %(v)s)") % {"v": entry.version})
        rows.append(
            [
                str(entry.entry_number),
                str(entry.register.book_number),
                entry.registered_on.strftime("%d/%m/%Y"),
                *[kinds.display_value(spec, name, entry.data.get(name)) for name in fields],
                entry.approved_by.full_name if entry.approved_by else "",
                "; ".join(notes),
            ]
        )
    return RegisterTable(
        title=f"{spec.register_title} {year}", year=year, headers=headers, rows=rows
    )


def register_xlsx(*, user: User, kind: str, year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = register_table(user=user, kind=kind, year=year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(table.headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append(row)
    for index in range(1, len(table.headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 8 if index <= 2 else 20
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
