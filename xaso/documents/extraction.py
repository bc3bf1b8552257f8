"""Pre-fill of the incoming register from a document's text (the clerk always confirms).

Text comes from the PDF's text layer (pypdf) when it has one; scans are read with
Tesseract's Vietnamese model when settings.XASO_OCR_ENABLED is on (system packages
tesseract-ocr, tesseract-ocr-vie and, for scanned PDFs, poppler-utils' pdftoppm).
The guesses follow the ND 30/2020 layout (PL I): box 2 issuer above box 3 "Số: 12/QĐ-UBND",
box 4 "…, ngày 05 tháng 3 năm 2026", box 5a type name and trích yếu, box 5b "V/v …".
"""

import datetime
import io
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xaso.documents import doctypes

logger = logging.getLogger(__name__)

# A text layer shorter than this is a scan with a stray word or two, not a text PDF.
MIN_TEXT_CHARS = 40

_NUMBER_RE = re.compile(r"Số\s*[:.]\s*(\d{1,11})\s*/\s*([0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ.\-]{0,29})")
_DATE_RE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE | re.UNICODE
)
_NATIONAL_MOTTO = re.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|CỘNG\s+HOÀ\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
_SUBJECT_RE = re.compile(r"V/v\s*[:.]?\s*(.+)")


@dataclass
class Guess:
    code_number: str = ""
    code_notation: str = ""
    document_date: datetime.date | None = None
    issuing_body: str = ""
    doc_type: str = ""
    subject: str = ""
    source: str = ""  # "text" (PDF text layer), "ocr", or "" (nothing read)
    text: str = ""

    def as_initial(self) -> dict[str, object]:
        initial: dict[str, object] = {}
        for name in ("code_number", "code_notation", "issuing_body", "doc_type", "subject"):
            value = getattr(self, name)
            if value:
                initial[name] = value
        if self.document_date:
            initial["document_date"] = self.document_date
        return initial


def _is_upper_line(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def guess_metadata(text: str) -> Guess:
    """Guess number/notation, date, issuer, type and subject from a document's text."""
    guess = Guess(text=text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    number_line = None
    for index, line in enumerate(lines):
        match = _NUMBER_RE.search(line)
        if match:
            guess.code_number = match.group(1)
            guess.code_notation = match.group(2).rstrip(".-")
            number_line = index
            break
    date_match = _DATE_RE.search(text)
    if date_match:
        day, month, year = (int(group) for group in date_match.groups())
        try:
            guess.document_date = datetime.date(year, month, day)
        except ValueError:
            guess.document_date = None
    header = lines[: number_line if number_line is not None else min(len(lines), 4)]
    issuer_parts = []
    for line in header:
        cleaned = _NATIONAL_MOTTO.sub(" ", line)
        cleaned = " ".join(cleaned.split())
        if cleaned and _is_upper_line(cleaned):
            issuer_parts.append(cleaned)
    guess.issuing_body = " ".join(issuer_parts)[:200]

    body = lines[number_line + 1 :] if number_line is not None else lines
    for index, line in enumerate(body):
        subject = _SUBJECT_RE.search(line)
        if subject:
            guess.doc_type = str(doctypes.DocumentType.CONG_VAN)
            guess.subject = subject.group(1).strip()[:500]
            break
        if _is_upper_line(line) and not _DATE_RE.search(line):
            doc_type = doctypes.type_for_heading(line)
            if doc_type:
                guess.doc_type = doc_type
                following = [candidate for candidate in body[index + 1 : index + 3] if candidate]
                if following:
                    guess.subject = following[0][:500]
                break
    if not guess.doc_type and guess.code_notation:
        first_group = guess.code_notation.split("-")[0]
        guess.doc_type = doctypes.type_for_abbreviation(first_group)
    return guess


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF (all pages), "" when it has none or cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        logger.warning("PDF text layer unreadable: %s", exc)
        return ""


def pdf_page_count(data: bytes) -> int | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, OSError):
        return None


def ocr_available() -> bool:
    return bool(settings.XASO_OCR_ENABLED) and shutil.which("tesseract") is not None


def ocr_image(data: bytes) -> str:
    """Vietnamese OCR of one image (Tesseract, model `vie`)."""
    import pytesseract
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return pytesseract.image_to_string(image, lang="vie")


def ocr_pdf(data: bytes, *, max_pages: int = 2) -> str:
    """OCR of a scanned PDF's first pages (rendered at 300 dpi by pdftoppm)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return ""
    with tempfile.TemporaryDirectory(prefix="xaso-ocr-") as folder:
        source = Path(folder) / "scan.pdf"
        source.write_bytes(data)
        subprocess.run(  # noqa: S603 (fixed arguments, our own temporary file)
            [pdftoppm, "-r", "300", "-png", "-f", "1", "-l", str(max_pages), source, "page"],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages = sorted(Path(folder).glob("page*.png"))
        return "\n".join(ocr_image(page.read_bytes()) for page in pages)


def read_text(data: bytes, content_type: str) -> tuple[str, str]:
    """(text, source) of a document file: the PDF text layer, else OCR when enabled."""
    if content_type == "application/pdf":
        text = pdf_text(data)
        if len(text.strip()) >= MIN_TEXT_CHARS:
            return text, "text"
        if ocr_available():
            try:
                return ocr_pdf(data), "ocr"
            except (subprocess.SubprocessError, OSError) as exc:
                logger.warning("OCR of a scanned PDF failed: %s", exc)
        return "", ""
    if content_type in ("image/jpeg", "image/png") and ocr_available():
        try:
            return ocr_image(data), "ocr"
        except (OSError, RuntimeError) as exc:
            logger.warning("OCR of an image failed: %s", exc)
    return "", ""


def guess_from_file(data: bytes, content_type: str) -> Guess:
    text, source = read_text(data, content_type)
    if not text.strip():
        return Guess()
    guess = guess_metadata(text)
    guess.source = source
    return guess
