"""HTML → PDF for legal forms, certificates and registers (docs/adr/0003-pdf-engine.md).

Callers pass a Django template and a context; the layout lives in the template (data),
never in code. WeasyPrint is imported lazily so pages that print nothing do not load it.

Papers are official texts: always rendered in Vietnamese, whatever language the acting
user's screens are in (xaso/core/i18n.py).
"""

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from xaso.core.i18n import official_text


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` with `context` to PDF bytes (fonts: DejaVu, Vietnamese-safe)."""
    import weasyprint

    # The template's {% translate %}, dates and lazy labels in `context` resolve here.
    with official_text():
        html = render_to_string(template_name, context)
    return weasyprint.HTML(string=html, base_url=".").write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
