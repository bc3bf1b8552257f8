"""The incoming and outgoing registers as printed books (ND 30/2020 PL IV).

A register kept in the System is printed with all its columns, signed and bound
(Đ16.2.b, Đ22.3.b). Columns are verbatim from PL IV; the cover carries the year, the
first and last dates and numbers and the book number.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from xaso.core.models import AdministrativeUnit
from xaso.core.pdf import render_pdf
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument

# PL IV, verbatim.
INCOMING_COLUMNS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
OUTGOING_COLUMNS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
# Sổ theo dõi giải quyết văn bản đến (PL IV), verbatim.
TRACKING_COLUMNS = (
    "Số đến",
    "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan ban hành",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
)
TRACKING_TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
INCOMING_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
OUTGOING_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"


def _date(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)  # type: ignore[arg-type]
    return value.strftime("%d/%m/%Y")  # type: ignore[union-attr]


def _type_and_subject(doc_type_label: str, subject: str) -> str:
    return f"{doc_type_label.split(' (')[0]}: {subject}"


def _incoming_note(document: IncomingDocument) -> str:
    parts = [document.note] if document.note else []
    if document.urgency != "normal":
        parts.append(document.get_urgency_display())
    if document.secrecy != "normal":
        parts.append(document.get_secrecy_display())
    if document.medium == "electronic":
        parts.append("Điện tử")
    return "; ".join(parts)


def incoming_row(document: IncomingDocument) -> list[object]:
    return [
        _date(document.arrived_at),
        document.arrival_number,
        document.issuing_body,
        document.number_notation,
        _date(document.document_date),
        _type_and_subject(document.get_doc_type_display(), document.subject),
        document.recipient_text,
        _date(document.transferred_at),
        "",
        _incoming_note(document),
    ]


def tracking_row(document: IncomingDocument) -> list[object]:
    identity = document.get_doc_type_display().split(" (")[0]
    if document.number_notation:
        identity += f" số {document.number_notation}"
    identity += f" ngày {_date(document.document_date)} của {document.issuing_body}"
    progress = document.get_status_display()
    if document.completed_at:
        progress += f" ({_date(document.completed_at)})"
    elif document.is_overdue:
        progress += " — quá hạn"
    return [
        document.arrival_number,
        identity,
        document.recipient_text,
        _date(document.due_at),
        progress,
        document.reply_document.number_notation if document.reply_document else "",
        document.note,
    ]


def outgoing_row(document: OutgoingDocument) -> list[object]:
    note = document.note
    if document.status == OutgoingDocument.Status.REPLACED:
        note = "; ".join(filter(None, [note, "Đã được thay thế"]))
    recipients = "; ".join(
        line.strip() for line in document.recipients_text.splitlines() if line.strip()
    )
    return [
        document.number_notation,
        _date(document.issued_on),
        _type_and_subject(document.get_doc_type_display(), document.subject),
        str(document.signer) if document.signer else "",
        recipients,
        document.archive_keeper,
        document.copies,
        _date(document.released_at),
        "",
        note,
    ]


@dataclass
class Cover:
    """Cover / first page: Năm · Từ ngày … đến ngày … · Từ số … đến số … · Quyển số …."""

    unit: AdministrativeUnit
    title: str
    year: int
    book_number: int
    from_date: str
    to_date: str
    from_number: str
    to_number: str


def incoming_cover(
    unit: AdministrativeUnit, year: int, book: int, documents: list[IncomingDocument]
) -> Cover:
    return Cover(
        unit=unit,
        title=INCOMING_TITLE,
        year=year,
        book_number=book,
        from_date=_date(documents[0].arrived_at) if documents else "",
        to_date=_date(documents[-1].arrived_at) if documents else "",
        from_number=str(documents[0].arrival_number) if documents else "",
        to_number=str(documents[-1].arrival_number) if documents else "",
    )


def tracking_cover(
    unit: AdministrativeUnit, year: int, book: int, documents: list[IncomingDocument]
) -> Cover:
    cover = incoming_cover(unit, year, book, documents)
    cover.title = TRACKING_TITLE
    return cover


def outgoing_cover(
    unit: AdministrativeUnit, year: int, book: int, documents: list[OutgoingDocument]
) -> Cover:
    numbers = sorted(document.number for document in documents if document.number)
    return Cover(
        unit=unit,
        title=OUTGOING_TITLE,
        year=year,
        book_number=book,
        from_date=_date(documents[0].issued_on) if documents else "",
        to_date=_date(documents[-1].issued_on) if documents else "",
        from_number=f"{numbers[0]:02d}" if numbers else "",
        to_number=f"{numbers[-1]:02d}" if numbers else "",
    )


def to_xlsx(cover: Cover, columns: Iterable[str], rows: Iterable[list[object]]) -> bytes:
    """The register as a workbook: a cover sheet, then the register with the legal columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Border
    from openpyxl.styles import Font
    from openpyxl.styles import Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bìa"
    lines = [
        cover.unit.name.upper(),
        cover.title,
        f"Năm: {cover.year}",
        f"Từ ngày {cover.from_date} đến ngày {cover.to_date}",
        f"Từ số {cover.from_number} đến số {cover.to_number}",
        f"Quyển số: {cover.book_number}",
    ]
    for index, line in enumerate(lines, start=1):
        sheet.cell(row=index, column=1, value=line).font = Font(bold=index <= 2, size=14)
    sheet.column_dimensions["A"].width = 60

    register = workbook.create_sheet("Sổ")
    columns = list(columns)
    register.append(columns)
    thin = Side(style="thin")
    for cell in register[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    register.append([f"({index})" for index in range(1, len(columns) + 1)])
    for row in rows:
        register.append(row)
    widths = (
        [14, 10, 28, 16, 14, 50, 26, 14, 12, 24]
        if len(columns) > 7
        else [10, 50, 28, 16, 30, 18, 24]
    )
    for index, width in enumerate(widths[: len(columns)], start=1):
        register.column_dimensions[register.cell(row=1, column=index).column_letter].width = width
    for row in register.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    register.print_title_rows = "1:2"
    register.page_setup.orientation = "landscape"
    register.page_setup.paperSize = register.PAPERSIZE_A4
    register.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(cover: Cover, columns: Iterable[str], rows: Iterable[list[object]]) -> bytes:
    return render_pdf(
        "documents/pdf/register.html",
        {"cover": cover, "columns": list(columns), "rows": list(rows)},
    )
