"""The PDFs of an entry's certificate and of an extract copy (printed, or generated with a
signature field for digital signing, xaso/civil_registry/signing.py)."""

import segno

from xaso.civil_registry import kinds
from xaso.civil_registry import services
from xaso.civil_registry.models import CivilEntry
from xaso.civil_registry.models import ExtractCopy
from xaso.core.i18n import official_language
from xaso.core.pdf import render_pdf

# The text field in box 7c of a PDF generated for signing: the signer's image goes there.
SIGNATURE_FIELD = "o-ky"


def certificate_context(entry: CivilEntry, version_data: dict | None = None) -> dict:
    spec = kinds.spec_for(entry.kind)
    data = version_data if version_data is not None else entry.data
    return {
        "entry": entry,
        "spec": spec,
        "data": services.from_json(spec, data),
        "raw": data,
        "rows": services.entry_rows(spec, data),
        "register": entry.register,
        "unit": entry.unit,
        "signer": (entry.approved_by.full_name if entry.approved_by else "")
        or data.get("signer_name", ""),
        "signer_title": entry.approved_by.job_title if entry.approved_by else "",
    }


def with_entry_qr(context: dict, entry: CivilEntry) -> dict:
    """The certificate's verification QR (every entry has a token, migration 0010)."""
    if entry.token:
        url = services.certificate_verification_url(entry.token)
        context["entry_verify_url"] = url
        context["entry_qr"] = segno.make(url, error="m").png_data_uri(scale=4, border=1)
    return context


def _signing(context: dict, for_signing: bool) -> dict:
    if for_signing:
        context.update(for_signing=True, signature_field=SIGNATURE_FIELD)
    return context


@official_language
def certificate_pdf(entry: CivilEntry, *, for_signing: bool = False) -> bytes:
    spec = kinds.spec_for(entry.kind)
    context = with_entry_qr(certificate_context(entry), entry)
    return render_pdf(spec.certificate_template, _signing(context, for_signing))


def certificate_filename(entry: CivilEntry) -> str:
    return f"{entry.kind}-{entry.register.year}-{entry.entry_number}.pdf"


@official_language
def extract_copy_pdf(copy: ExtractCopy, *, for_signing: bool = False) -> bytes:
    entry = copy.entry
    version = entry.versions.filter(number=copy.entry_version).first()
    context = certificate_context(entry, version.data if version else None)
    url = services.verification_url(copy.token)
    # A PNG (segno writes it itself): embedded in the PDF as an image.
    context.update(
        {
            "copy": copy,
            "verify_url": url,
            "qr": segno.make(url, error="m").png_data_uri(scale=4, border=1),
        }
    )
    return render_pdf("civil_registry/pdf/extract_copy.html", _signing(context, for_signing))


def extract_copy_filename(copy: ExtractCopy) -> str:
    return f"ban-sao-trich-luc-{copy.year}-{copy.serial_number}.pdf"
