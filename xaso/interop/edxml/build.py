"""Write edXML packages (QCVN 102:2016 + SĐ1:2022) from the typed model.

A package that breaks a rule is never written: EdxmlValidationError lists every problem.
"""

import base64
import dataclasses
import datetime

from lxml import etree

from xaso.interop.edxml.errors import EdxmlValidationError
from xaso.interop.edxml.rules import check_package
from xaso.interop.edxml.rules import check_status
from xaso.interop.edxml.rules import format_date
from xaso.interop.edxml.rules import format_timestamp
from xaso.interop.edxml.rules import make_document_id
from xaso.interop.edxml.types import NAMESPACE
from xaso.interop.edxml.types import XLINK_NAMESPACE
from xaso.interop.edxml.types import Business
from xaso.interop.edxml.types import BusinessDocType
from xaso.interop.edxml.types import Organization
from xaso.interop.edxml.types import Package
from xaso.interop.edxml.types import ResponseFor
from xaso.interop.edxml.types import StaffInfo
from xaso.interop.edxml.types import StatusPackage

NSMAP = {"edXML": NAMESPACE, "xlink": XLINK_NAMESPACE}


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | int | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = str(text)
    return element


def _optional(parent: etree._Element, name: str, text: str | int | None) -> None:
    if text is not None and text != "":
        _sub(parent, name, text)


def _organization(parent: etree._Element, name: str, org: Organization) -> None:
    element = _sub(parent, name)
    _sub(element, "OrganId", org.organ_id)
    _optional(element, "OrganizationInCharge", org.organization_in_charge)
    _optional(element, "OrganName", org.organ_name)
    _optional(element, "OrganAdd", org.organ_add)
    _optional(element, "Email", org.email)
    _optional(element, "Telephone", org.telephone)
    _optional(element, "Fax", org.fax)
    _optional(element, "Website", org.website)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    element = _sub(parent, "ResponseFor")
    _sub(element, "OrganId", response.organ_id)
    _optional(element, "Code", response.code)
    if response.promulgation_date is not None:
        _sub(element, "PromulgationDate", format_date(response.promulgation_date))
    _optional(element, "DocumentId", response.document_id)


def _staff_info(parent: etree._Element, staff: StaffInfo | None) -> None:
    if staff is None:
        return
    element = _sub(parent, "StaffInfo")
    _sub(element, "Department", staff.department)
    _sub(element, "Staff", staff.staff)
    _sub(element, "Mobile", staff.mobile)
    _sub(element, "Email", staff.email)


def _business(parent: etree._Element, business: Business) -> None:
    element = _sub(parent, "Bussiness")
    _sub(element, "BussinessDocType", int(business.doc_type))
    _sub(element, "BussinessDocReason", business.reason)
    if business.doc_type == BusinessDocType.UPDATE and business.document_info is not None:
        info = _sub(element, "BussinessDocumentInfo")
        _sub(info, "DocumentInfo", int(business.document_info.document_info))
        _sub(info, "DocumentReceiver", int(business.document_info.document_receiver))
        receivers = _sub(info, "ReceiverList")
        for receiver in business.document_info.receivers:
            item = _sub(receivers, "Receiver")
            _sub(item, "ReceiverType", int(receiver.receiver_type))
            _sub(item, "OrganId", receiver.organ_id)
    _optional(element, "DocumentId", business.document_id)
    _staff_info(element, business.staff_info)
    _sub(element, "Paper", business.paper)
    if business.doc_type == BusinessDocType.REPLACE:
        replacements = _sub(element, "ReplacementInfoList")
        for replacement in business.replacements:
            item = _sub(replacements, "ReplacementInfo")
            _sub(item, "DocumentId", replacement.document_id)
            organ_ids = _sub(item, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _sub(organ_ids, "OrganId", organ_id)


def with_document_id(package: Package) -> Package:
    """`package` with its DocumentId filled in from From, PromulgationDate and Code."""
    header = package.header
    if header.document_id:
        return package
    document_id = make_document_id(
        organ_id=header.from_.organ_id,
        date=header.promulgation_info.date,
        number=header.code.number,
        notation=header.code.notation,
    )
    return dataclasses.replace(package, header=dataclasses.replace(header, document_id=document_id))


def package_tree(package: Package) -> etree._Element:
    """The root element of a (valid) document package, for signing before serialisation."""
    root = etree.Element(_q("edXML"), nsmap=NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header_element = _sub(envelope, "edXMLHeader")
    header = package.header
    message = _sub(header_element, "MessageHeader")
    _organization(message, "From", header.from_)
    for org in header.to:
        _organization(message, "To", org)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", header.code.number)
    _sub(code, "CodeNotation", header.code.notation)
    promulgation = _sub(message, "PromulgationInfo")
    _optional(promulgation, "Place", header.promulgation_info.place)
    _sub(promulgation, "PromulgationDate", format_date(header.promulgation_info.date))
    document_type = _sub(message, "DocumentType")
    _sub(document_type, "Type", header.document_type.type)
    _optional(document_type, "TypeName", header.document_type.type_name)
    _optional(document_type, "TypeDetail", header.document_type.type_detail)
    _sub(message, "Subject", header.subject)
    _optional(message, "Content", header.content)
    signer = _sub(message, "SignerInfo")
    _optional(signer, "Competence", header.signer_info.competence)
    _optional(signer, "Position", header.signer_info.position)
    _optional(signer, "FullName", header.signer_info.full_name)
    if header.due_date is not None:
        _sub(message, "DueDate", format_date(header.due_date))
    if header.to_places:
        places = _sub(message, "ToPlaces")
        for place in header.to_places:
            _sub(places, "Place", place)
    other = header.other_info
    other_element = _sub(message, "OtherInfo")
    _sub(other_element, "Priority", int(other.priority))
    _optional(other_element, "SphereOfPromulgation", other.sphere_of_promulgation)
    _optional(other_element, "TyperNotation", other.typer_notation)
    _optional(other_element, "PromulgationAmount", other.promulgation_amount)
    _optional(other_element, "PageAmount", other.page_amount)
    if other.appendixes:
        appendixes = _sub(other_element, "Appendixes")
        for appendix in other.appendixes:
            _sub(appendixes, "Appendix", appendix)
    for response in header.response_for:
        _response_for(message, response)
    _sub(message, "SteeringType", int(header.steering_type))
    _sub(message, "DocumentId", header.document_id)

    trace_list = _sub(
        header_element,
        "TraceHeaderList",
    )
    for trace in package.trace_headers:
        item = _sub(trace_list, "TraceHeader")
        _sub(item, "OrganId", trace.organ_id)
        _sub(item, "Timestamp", format_timestamp(trace.timestamp))
    _business(trace_list, package.business)

    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for attachment in package.attachments:
        reference = _sub(manifest, "Reference")
        reference.set(f"{{{XLINK_NAMESPACE}}}href", f"cid:{attachment.content_id}")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "Description", attachment.description)
        _sub(reference, "AttachmentName", attachment.name)
    encoded = _sub(root, "AttachmentEncoded")
    for attachment in package.attachments:
        item = _sub(encoded, "Attachment")
        _sub(item, "ContentType", attachment.content_type)
        _sub(item, "ContentId", attachment.content_id)
        _sub(item, "Description", attachment.description)
        _sub(item, "AttachmentName", attachment.name)
        _sub(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_package(package: Package, *, today: datetime.date | None = None) -> bytes:
    """The edXML bytes of a document package; EdxmlValidationError when it breaks a rule.

    An empty DocumentId is computed (`{OrganId},{yyyy/MM/dd},{Số}/{Ký hiệu}`).
    """
    computed = not package.header.document_id
    package = with_document_id(package)
    problems = check_package(package, today=today)
    if computed:
        # A DocumentId we computed is wrong only through From, Code or the date, which are
        # reported themselves.
        problems = [p for p in problems if p.element != "MessageHeader/DocumentId"]
    if problems:
        raise EdxmlValidationError(problems)
    return serialize(package_tree(package))


def status_tree(status: StatusPackage) -> etree._Element:
    root = etree.Element(_q("edXML"), nsmap=NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    element = _sub(header, "Status")
    status_header = _sub(element, "Header")
    _response_for(status_header, status.response_for)
    _organization(status_header, "From", status.from_)
    _sub(element, "StatusCode", status.status_code.value)
    _sub(element, "Description", status.description)
    # dd/MM/yyyy HH:mm:ss, as the SDK that documents status packages writes it (§9.5).
    _sub(element, "Timestamp", format_timestamp(status.timestamp, day_first=True))
    _staff_info(element, status.staff_info)
    return root


def build_status(status: StatusPackage) -> bytes:
    """The edXML bytes of a status package; EdxmlValidationError when it breaks a rule."""
    problems = check_status(status)
    if problems:
        raise EdxmlValidationError(problems)
    return serialize(status_tree(status))
