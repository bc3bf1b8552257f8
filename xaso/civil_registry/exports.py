"""A register (one kind, one year, the user's unit) as a table: printed page, XLSX, PDF.

The legal column layouts of the registers (TT 04/2020/TT-BTP) are not in the domain notes:
the columns are the number, the registration date, the kind's declared fields
(KindSpec.columns), the approving leader and notes (late registration, corrections).
"""

import datetime
import io
from dataclasses import dataclass
from dataclasses import field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xaso.civil_registry import kinds
from xaso.civil_registry import services
from xaso.core.models import User


@dataclass
class Book:
    """One book (quyển) of the register and its cover: year, book number, the first and
    last entries' numbers and dates (TT 04/2020/TT-BTP's cover layout is not in the domain
    notes; these are the data a cover carries)."""

    book_number: int
    year: int
    capacity: int
    rows: list[list[str]] = field(default_factory=list)
    first_number: int | None = None
    last_number: int | None = None
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def is_full(self) -> bool:
        return self.count >= self.capacity

    def cover_line(self) -> str:
        if self.first_number is None:
            return _("Quyển số %(book)s/%(year)s: chưa có việc nào.") % {
                "book": self.book_number,
                "year": self.year,
            }
        return ngettext(
            "Quyển số %(book)s/%(year)s: từ số %(first)s ngày %(first_date)s đến số %(last)s "
            "ngày %(last_date)s (%(count)s việc).",
            "Quyển số %(book)s/%(year)s: từ số %(first)s ngày %(first_date)s đến số %(last)s "
            "ngày %(last_date)s (%(count)s việc).",
            self.count,
        ) % {
            "book": self.book_number,
            "year": self.year,
            "first": self.first_number,
            "first_date": self.first_date.strftime("%d/%m/%Y") if self.first_date else "",
            "last": self.last_number,
            "last_date": self.last_date.strftime("%d/%m/%Y") if self.last_date else "",
            "count": self.count,
        }


@dataclass
class RegisterTable:
    title: str
    register_title: str
    year: int
    headers: list[str]
    rows: list[list[str]]
    books: list[Book] = field(default_factory=list)


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
    capacity = services.unit_settings(user.unit_id).entries_per_book if user.unit_id else 0
    books = {
        register.book_number: Book(book_number=register.book_number, year=year, capacity=capacity)
        for register in services.register_books(user=user, kind=kind, year=year)
    }
    rows = []
    for entry in services.register_entries(user=user, kind=kind, year=year).select_related(
        "approved_by"
    ):
        notes = []
        if entry.is_late:
            notes.append(_("Đăng ký quá hạn"))
        if entry.version > 1:
            notes.append(_("Đã thay đổi, cải chính (phiên bản %(v)s)") % {"v": entry.version})
        row = [
            str(entry.entry_number),
            str(entry.register.book_number),
            entry.registered_on.strftime("%d/%m/%Y"),
            *[kinds.display_value(spec, name, entry.data.get(name)) for name in fields],
            entry.approved_by.full_name if entry.approved_by else "",
            "; ".join(notes),
        ]
        rows.append(row)
        book = books.setdefault(
            entry.register.book_number,
            Book(book_number=entry.register.book_number, year=year, capacity=capacity),
        )
        book.rows.append(row)
        if book.first_number is None:
            book.first_number, book.first_date = entry.entry_number, entry.registered_on
        book.last_number, book.last_date = entry.entry_number, entry.registered_on
    return RegisterTable(
        title=f"{spec.register_title} {year}",
        register_title=str(spec.register_title),
        year=year,
        headers=headers,
        rows=rows,
        books=[books[number] for number in sorted(books)],
    )


def register_xlsx(*, user: User, kind: str, year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = register_table(user=user, kind=kind, year=year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    # One sheet per book: the title, the cover line, the columns, the entries.
    for book in table.books or [Book(book_number=1, year=year, capacity=0)]:
        sheet = workbook.create_sheet(_("Quyển %(book)s") % {"book": book.book_number})
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([book.cover_line()])
        sheet.append(table.headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in book.rows:
            sheet.append(row)
        for index in range(1, len(table.headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 8 if index <= 2 else 20
        sheet.freeze_panes = "A4"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
