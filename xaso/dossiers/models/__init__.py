"""One-stop models, re-exported: `from xaso.dossiers.models import Dossier`."""

from xaso.dossiers.models.catalog import FeeRule
from xaso.dossiers.models.catalog import Procedure
from xaso.dossiers.models.catalog import ProcedureField
from xaso.dossiers.models.catalog import ProcessStep
from xaso.dossiers.models.catalog import RequiredDocument
from xaso.dossiers.models.dossiers import Channel
from xaso.dossiers.models.dossiers import DeliveryMethod
from xaso.dossiers.models.dossiers import Dossier
from xaso.dossiers.models.dossiers import DossierDocument
from xaso.dossiers.models.dossiers import DossierEvent
from xaso.dossiers.models.dossiers import DossierStep
from xaso.dossiers.models.dossiers import FormSet
from xaso.dossiers.models.dossiers import ReceptionNotice
from xaso.dossiers.models.dossiers import TimingOutcome
from xaso.dossiers.models.handling import Consultation
from xaso.dossiers.models.handling import Extension
from xaso.dossiers.models.handling import FeePayment
from xaso.dossiers.models.handling import Rating
from xaso.dossiers.models.handling import Result
from xaso.dossiers.models.handling import StopNotice
from xaso.dossiers.models.handling import SupplementRequest
from xaso.dossiers.models.handling import Transfer

__all__ = [
    "Channel",
    "Consultation",
    "DeliveryMethod",
    "Dossier",
    "DossierDocument",
    "DossierEvent",
    "DossierStep",
    "Extension",
    "FeePayment",
    "FeeRule",
    "FormSet",
    "Procedure",
    "ProcedureField",
    "ProcessStep",
    "Rating",
    "ReceptionNotice",
    "RequiredDocument",
    "Result",
    "StopNotice",
    "SupplementRequest",
    "TimingOutcome",
    "Transfer",
]
