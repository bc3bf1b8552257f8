"""The legal one-stop forms (2025 set of TT 03/2025, 2018 set of TT 01/2018) as PDFs.

A form's layout is a template `dossiers/forms/<set>/<code>.html`: data, not code. The
set is the dossier's (`Dossier.form_set`), so old dossiers keep printing the 2018 forms.
"""

from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from xaso.core.pdf import render_pdf

# Form codes by purpose, per set (onestop.md §3).
FORMS = {
    "2025": {
        "receipt": "01",
        "supplement": "02",
        "refusal": "03",
        "apology": "04",
        "stop": "05",
        "control": "06",
        "book": "07",
    },
    "2018": {
        "receipt": "01",
        "supplement": "02",
        "refusal": "03",
        "apology": "04",
        "control": "05",
        "book": "06",
    },
}


def form_template(purpose: str, form_set: str) -> str:
    """The template of a form; raises LookupError when the set has no such form."""
    try:
        code = FORMS[form_set][purpose]
    except KeyError as exc:
        raise LookupError(f"form set {form_set} has no {purpose} form") from exc
    name = f"dossiers/forms/{form_set}/{code}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist as exc:
        raise LookupError(f"template {name} is missing") from exc
    return name


def render_form(purpose: str, form_set: str, context: dict[str, Any]) -> bytes:
    """PDF bytes of the form for `purpose` ("receipt", "supplement", …) in `form_set`."""
    return render_pdf(form_template(purpose, form_set), {**context, "form_set": form_set})
