"""Text form fields in a PDF that is signed in two steps (ND 30/2020 Đ13.7, Đ14.3, Đ17.2).

The competent person signs the document before the văn thư gives it a number and a date,
and the number and date must then appear on the page without breaking that signature. The
generated layout carries empty text fields for them; the signer certifies the PDF with
DocMDP permission 2 (form filling and signing allowed), and the văn thư fills the fields in
a later incremental revision, which pyHanko's difference analysis classes as FORM_FILLING
(see verification.py: anything beyond it is reported as "modified after signing").

Other apps reach these functions through services (callers never touch pyHanko).
"""

import io
from typing import Any

from django.utils.translation import gettext as _

from xaso.signatures.signing import SigningError
from xaso.signatures.signing import _font_factory
from xaso.signatures.signing import _open_writer
from xaso.signatures.signing import _text_font_path

FIELD_TEXT_SIZE = 13


def _text_fields(reader: Any) -> dict[str, Any]:
    acroform = reader.root.get("/AcroForm")
    if acroform is None:
        return {}
    found = {}
    for reference in acroform.get("/Fields", []):
        field = reference.get_object()
        if field.get("/FT") == "/Tx" and "/T" in field:
            found[str(field["/T"])] = reference
    return found


def field_box(pdf_bytes: bytes, name: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page index, (x1, y1, x2, y2)) of text field `name`, or None when the PDF has none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        reference = _text_fields(reader).get(name)
    except Exception:  # noqa: BLE001 — an unreadable PDF simply has no such field
        return None
    if reference is None:
        return None
    field = reference.get_object()
    x1, y1, x2, y2 = (float(value) for value in field["/Rect"])
    page_ref = field.get_value_as_reference("/P")
    pages = [reader.find_page_for_modification(index)[0] for index in range(_page_count(reader))]
    page = next((index for index, ref in enumerate(pages) if ref == page_ref), 0)
    return page, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _page_count(reader: Any) -> int:
    return int(reader.root["/Pages"]["/Count"])


def text_field_names(pdf_bytes: bytes) -> set[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return set(_text_fields(PdfFileReader(io.BytesIO(pdf_bytes), strict=False)))
    except Exception:  # noqa: BLE001
        return set()


def fill_text_fields(pdf_bytes: bytes, values: dict[str, str]) -> bytes:
    """Fill text fields (value and appearance) in one incremental revision, so that earlier
    signatures stay intact and the change is form filling."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.content import RawContent
    from pyhanko.pdf_utils.layout import BoxConstraints

    writer = _open_writer(pdf_bytes)
    fields = _text_fields(writer.prev)
    missing = sorted(set(values) - set(fields))
    if missing:
        raise SigningError(
            _("Tệp PDF không có ô để điền: %(names)s.") % {"names": ", ".join(missing)},
            code="no_field",
        )
    font = _font_factory(_text_font_path(), FIELD_TEXT_SIZE)
    for name, value in values.items():
        reference = fields[name]
        field = reference.get_object()
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        width, height = abs(x2 - x1), abs(y2 - y1)
        box = text.TextBox(
            style=text.TextBoxStyle(
                font=font,
                font_size=FIELD_TEXT_SIZE,
                text_color=(0, 0, 0),
                box_layout_rule=layout.SimpleBoxLayoutRule(
                    x_align=layout.AxisAlignment.ALIGN_MIN,
                    y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins.uniform(0),
                    inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
                ),
            ),
            writer=writer,
            box=BoxConstraints(width=width, height=height),
        )
        box.content = value
        content = box.render()
        stream = RawContent(
            data=b"q " + content + b" Q",
            resources=box.resources,
            box=BoxConstraints(width=width, height=height),
        ).as_form_xobject()
        appearance = writer.add_object(stream)
        field["/V"] = generic.TextStringObject(value)
        field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): appearance})
        writer.update_container(field)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def add_signature_field(
    pdf_bytes: bytes, *, name: str, page: int, box: tuple[float, float, float, float]
) -> bytes:
    """An empty signature field, filled later by sign_pdf with a matching appearance kind.

    After a certification signature pyHanko accepts signing into an existing field but not
    a new visible one: the organisation's field is placed before the signer certifies.
    """
    from pyhanko.sign import fields

    writer = _open_writer(pdf_bytes)
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(sig_field_name=name, on_page=page, box=tuple(round(v) for v in box)),
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
