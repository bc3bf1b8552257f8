"""edXML packages: build → parse round trips, the hand-written golden sample, strict rules."""

import base64
import dataclasses
import datetime
import random
from pathlib import Path

import pytest
from lxml import etree

from xaso.interop.edxml import EdxmlValidationError
from xaso.interop.edxml import build_package
from xaso.interop.edxml import build_status
from xaso.interop.edxml import make_document_id
from xaso.interop.edxml import package_kind
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import parse_status
from xaso.interop.edxml import split_document_id
from xaso.interop.edxml import types as t
from xaso.interop.edxml.build import with_document_id
from xaso.interop.edxml.rules import VIETNAM
from xaso.interop.tests.factories import RECEIVER
from xaso.interop.tests.factories import SENDER
from xaso.interop.tests.factories import make_package
from xaso.interop.tests.factories import make_status

NS = {"e": t.NAMESPACE}
GOLDEN = Path(__file__).parent / "data" / "golden_package.edxml"


def problems_of(excinfo) -> dict[str, str]:
    return {problem.element: problem.message for problem in excinfo.value.problems}


def full_package() -> t.Package:
    return make_package(
        to=[
            t.Organization(organ_id=RECEIVER, organ_name="UBND xã A", email="xa@a.vn"),
            t.Organization(organ_id="000.00.00.G22", organ_name="Văn phòng Chính phủ"),
        ],
        content="Tóm tắt nội dung",
        due_date=datetime.date(2026, 12, 1),
        to_places=["Như trên", "Lưu: VT"],
        other_info=t.OtherInfo(
            priority=t.Priority.FLASH_TIMED,
            sphere_of_promulgation="Toàn tỉnh",
            typer_notation="VP",
            promulgation_amount=5,
            page_amount=2,
            appendixes=["Phụ lục 1", "Phụ lục 2"],
        ),
        response_for=[
            t.ResponseFor(
                organ_id=RECEIVER,
                code="3/UBND",
                promulgation_date=datetime.date(2026, 11, 1),
                document_id=f"{RECEIVER},2026/11/01,3/UBND",
            )
        ],
        steering_type=t.SteeringType.STEERING,
        attachments=[
            t.Attachment(
                content_id="c3a8f0c2-1",
                name="125-UBND-VP.pdf",
                content_type="application/pdf",
                data=bytes(range(256)) * 10,
                description="Văn bản",
            ),
            t.Attachment(
                content_id="c3a8f0c2-2", name="phu-luc.xlsx", content_type="x/y", data=b""
            ),
        ],
        business=t.Business(
            doc_type=t.BusinessDocType.REPLACE,
            reason="Sai số liệu",
            document_id=f"{SENDER},2026/11/19,120/UBND-VP",
            paper=1,
            staff_info=t.StaffInfo(department="VP", staff="Hà", mobile="0900", email="a@b.vn"),
            replacements=[
                t.ReplacementInfo(
                    document_id=f"{SENDER},2026/11/19,120/UBND-VP",
                    organ_ids=[RECEIVER, "000.00.00.G22"],
                )
            ],
        ),
    )


def test_round_trip_of_a_full_package():
    package = full_package()
    data = build_package(package)
    assert parse_package(data) == with_document_id(package)
    assert package_kind(data) == "document"
    root = etree.fromstring(data)
    assert root.tag == "{http://www.mic.gov.vn/TBT/QCVN_102_2016}edXML"
    assert root.findtext(
        "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/e:DocumentId", namespaces=NS
    ) == ("000.00.00.H55,2026/11/20,125/UBND-VP")
    reference = root.find("e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference", NS)
    assert reference.get("{http://www.w3.org/1999/xlink}href") == "cid:c3a8f0c2-1"
    encoded = root.findtext(
        "e:AttachmentEncoded/e:Attachment/e:ContentTransferEncoded", namespaces=NS
    )
    assert base64.b64decode(encoded) == bytes(range(256)) * 10


@pytest.mark.parametrize("doc_type", list(t.BusinessDocType))
def test_round_trip_of_each_business_type(doc_type):
    target = f"{SENDER},2026/11/19,120/UBND-VP"
    business = {
        t.BusinessDocType.NEW: t.Business(),
        t.BusinessDocType.RECALL: t.Business(
            doc_type=doc_type, reason="Ban hành nhầm", document_id=target
        ),
        t.BusinessDocType.UPDATE: t.Business(
            doc_type=doc_type,
            reason="Thêm nơi nhận",
            document_id=target,
            document_info=t.BusinessDocumentInfo(
                document_info=True,
                document_receiver=True,
                receivers=[
                    t.Receiver(receiver_type=t.ReceiverType.ADDED, organ_id="000.00.00.G22"),
                    t.Receiver(receiver_type=t.ReceiverType.REMOVED, organ_id=RECEIVER),
                ],
            ),
        ),
        t.BusinessDocType.REPLACE: t.Business(
            doc_type=doc_type,
            reason="Thay thế",
            document_id=target,
            replacements=[t.ReplacementInfo(document_id=target, organ_ids=[RECEIVER])],
        ),
    }[doc_type]
    package = make_package(business=business)
    assert parse_package(build_package(package)).business == business


def test_golden_sample_written_by_hand():
    package = parse_package(GOLDEN.read_bytes())
    header = package.header
    assert header.from_ == t.Organization(
        organ_id="000.00.00.G22",
        organization_in_charge="Chính phủ",
        organ_name="Văn phòng Chính phủ",
        organ_add="Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội",
        email="vpcp@chinhphu.vn",
        telephone="080 43162",
        fax="080 44130",
        website="chinhphu.vn",
    )
    assert [org.organ_id for org in header.to] == ["000.00.00.H41", "H55.242"]
    assert header.code == t.Code(number="7816", notation="VPCP-TTĐT")
    # dd/MM/yyyy accepted as well as yyyy/MM/dd (documents.md §9.3).
    assert header.promulgation_info == t.PromulgationInfo(
        date=datetime.date(2015, 9, 30), place="Hà Nội"
    )
    assert header.due_date == datetime.date(2015, 10, 15)
    assert header.document_type == t.DocumentType(type=1, type_name="Công văn")
    assert header.signer_info.competence == "KT. BỘ TRƯỞNG, CHỦ NHIỆM"
    assert header.to_places == ["Như trên", "Lưu: VT, TTĐT"]
    assert header.other_info == t.OtherInfo(
        priority=t.Priority.VERY_URGENT,
        sphere_of_promulgation="Liên thông văn bản quốc gia",
        typer_notation="TTĐT",
        promulgation_amount=2,
        page_amount=3,
        appendixes=["Phụ lục I: danh sách đơn vị"],
    )
    assert header.response_for == [
        t.ResponseFor(
            organ_id="000.00.00.H41",
            code="120/UBND-VX",
            promulgation_date=datetime.date(2015, 9, 1),
            document_id="000.00.00.H41,2015/09/01,120/UBND-VX",
        )
    ]
    assert header.steering_type == t.SteeringType.STEERING
    assert header.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert package.trace_headers == [
        t.TraceHeader(
            organ_id="000.00.00.G22",
            timestamp=datetime.datetime(2015, 9, 30, 9, 15, tzinfo=VIETNAM),
        ),
        t.TraceHeader(
            organ_id="000.00.00.H41",
            timestamp=datetime.datetime(2015, 9, 30, 9, 16, 30, tzinfo=VIETNAM),
        ),
    ]
    assert package.business == t.Business(
        doc_type=t.BusinessDocType.UPDATE,
        reason="Bổ sung nơi nhận",
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        paper=0,
        staff_info=t.StaffInfo(
            department="Văn thư",
            staff="Trần Thị B",
            mobile="0912345678",
            email="vanthu@chinhphu.vn",
        ),
        document_info=t.BusinessDocumentInfo(
            document_info=False,
            document_receiver=True,
            receivers=[
                t.Receiver(receiver_type=t.ReceiverType.ADDED, organ_id="H55.242"),
                t.Receiver(receiver_type=t.ReceiverType.REMOVED, organ_id="000.00.00.H14"),
            ],
        ),
    )
    assert package.attachments == [
        t.Attachment(
            content_id="6f1c2d3e-0000-4000-8000-000000000001",
            name="7816-VPCP-TTDT.txt",
            content_type="text/plain",
            description="Toàn văn",
            data="Văn bản thử".encode(),
        )
    ]
    # What we write from it parses back to the same thing.
    assert parse_package(build_package(package)) == package


def test_status_round_trip_and_timestamp_format():
    status = make_status()
    data = build_status(status)
    assert package_kind(data) == "status"
    assert parse_status(data) == status
    root = etree.fromstring(data)
    assert root.findtext(".//e:Status/e:Timestamp", namespaces=NS) == "20/11/2026 10:00:05"
    assert root.findtext(".//e:Status/e:StatusCode", namespaces=NS) == "03"


@pytest.mark.parametrize("code", ["01", "02", "03", "04", "05", "06", "13", "15", "16"])
def test_every_status_code_is_accepted(code):
    data = build_status(make_status(status_code=t.StatusCode(code)))
    assert parse_status(data).status_code.value == code


@pytest.mark.parametrize("code", ["00", "07", "14", "3", "99", "abc"])
def test_unknown_status_codes_are_refused(code):
    data = build_status(make_status()).replace(b">03<", f">{code}<".encode())
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_status(data)
    assert "Status/StatusCode" in problems_of(excinfo)
    assert "không hợp lệ" in problems_of(excinfo)["Status/StatusCode"]


def test_status_without_document_id_is_refused():
    status = make_status(response_for=t.ResponseFor(organ_id=SENDER))
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_status(status)
    assert problems_of(excinfo) == {
        "Status/Header/ResponseFor/DocumentId": "bắt buộc, không được để trống."
    }


def test_document_id_format():
    assert (
        make_document_id(
            organ_id="000.00.00.G22",
            date=datetime.date(2015, 9, 30),
            number="7816",
            notation="VPCP-TTĐT",
        )
        == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    )
    assert split_document_id("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT") == (
        "000.00.00.G22",
        datetime.date(2015, 9, 30),
        "7816",
        "VPCP-TTĐT",
    )
    for bad in [
        "000.00.00.G22,30/09/2015,7816/VPCP",
        "g22,2015/09/30,1/A",
        "X,2015/09/30,7816",
        "X",
    ]:
        with pytest.raises(ValueError, match=r".+"):
            split_document_id(bad)


def test_all_problems_are_listed_at_once_naming_each_element():
    package = make_package(
        from_=t.Organization(organ_id="h55.abc"),
        to=[],
        code=t.Code(number="", notation="X" * 31),
        subject="",
        signer_info=t.SignerInfo(full_name="N" * 51),
        to_places=["P" * 151],
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_package(package)
    problems = problems_of(excinfo)
    assert set(problems) == {
        "MessageHeader/From/OrganId",
        "MessageHeader/To",
        "MessageHeader/Code/CodeNumber",
        "MessageHeader/Code/CodeNotation",
        "MessageHeader/Subject",
        "MessageHeader/SignerInfo/FullName",
        "MessageHeader/ToPlaces/Place[1]",
    }
    assert problems["MessageHeader/To"] == "phải có ít nhất một đơn vị nhận."
    assert problems["MessageHeader/Code/CodeNotation"] == "dài 31 ký tự, tối đa 30 ký tự."
    assert "QĐ 20/2020" in problems["MessageHeader/From/OrganId"]
    assert "MessageHeader/Subject: bắt buộc" in str(excinfo.value)


def test_duplicate_receivers_are_refused():
    package = make_package(
        to=[t.Organization(organ_id=RECEIVER), t.Organization(organ_id=RECEIVER)]
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_package(package)
    assert problems_of(excinfo) == {
        "MessageHeader/To[2]/OrganId": f"đơn vị nhận {RECEIVER} bị trùng."
    }


@pytest.mark.parametrize(
    ("organ_id", "valid"),
    [
        ("000.00.00.G22", True),
        ("H55.242", True),
        ("A" * 35, True),
        ("A" * 36, False),
        ("000.00.00.g22", False),
        ("H55-242", False),
        ("H55 242", False),
        ("Đ55", False),
    ],
)
def test_organ_id_rule_of_sd1_2022(organ_id, valid):
    package = make_package(from_=t.Organization(organ_id=organ_id))
    if valid:
        assert parse_package(build_package(package)).header.from_.organ_id == organ_id
    else:
        with pytest.raises(EdxmlValidationError) as excinfo:
            build_package(package)
        assert list(problems_of(excinfo)) == ["MessageHeader/From/OrganId"]


LIMITS = [
    ("organ_name", "MessageHeader/From/OrganName", 200),
    ("organ_add", "MessageHeader/From/OrganAdd", 250),
    ("email", "MessageHeader/From/Email", 100),
    ("telephone", "MessageHeader/From/Telephone", 20),
    ("fax", "MessageHeader/From/Fax", 20),
]


@pytest.mark.parametrize(("field", "element", "limit"), LIMITS)
def test_organization_limits_at_and_past_the_boundary(field, element, limit):
    rng = random.Random(f"{field}{limit}")
    for length in (limit, limit + 1, limit + rng.randint(2, 50)):
        value = "".join(rng.choice("aăâbcdđeêghiklmnoôơpqrstuưvxyỹ0 ") for _ in range(length))
        value = "x" + value[1:-1] + "x"
        package = make_package(from_=t.Organization(organ_id=SENDER, **{field: value}))
        if length <= limit:
            assert getattr(parse_package(build_package(package)).header.from_, field) == value
        else:
            with pytest.raises(EdxmlValidationError) as excinfo:
                build_package(package)
            assert problems_of(excinfo) == {element: f"dài {length} ký tự, tối đa {limit} ký tự."}


HEADER_LIMITS = [
    ("MessageHeader/Code/CodeNumber", 11, lambda v: {"code": t.Code(number=v, notation="A")}),
    ("MessageHeader/Code/CodeNotation", 30, lambda v: {"code": t.Code(number="1", notation=v)}),
    (
        "MessageHeader/PromulgationInfo/Place",
        50,
        lambda v: {
            "promulgation_info": t.PromulgationInfo(date=datetime.date(2026, 1, 2), place=v)
        },
    ),
    (
        "MessageHeader/DocumentType/TypeName",
        100,
        lambda v: {"document_type": t.DocumentType(type=1, type_name=v)},
    ),
    ("MessageHeader/Subject", 500, lambda v: {"subject": v}),
    ("MessageHeader/Content", 500, lambda v: {"content": v}),
    (
        "MessageHeader/SignerInfo/Competence",
        100,
        lambda v: {"signer_info": t.SignerInfo(competence=v)},
    ),
    ("MessageHeader/SignerInfo/Position", 100, lambda v: {"signer_info": t.SignerInfo(position=v)}),
    ("MessageHeader/SignerInfo/FullName", 50, lambda v: {"signer_info": t.SignerInfo(full_name=v)}),
    ("MessageHeader/ToPlaces/Place[1]", 150, lambda v: {"to_places": [v]}),
    (
        "MessageHeader/OtherInfo/SphereOfPromulgation",
        100,
        lambda v: {"other_info": t.OtherInfo(sphere_of_promulgation=v)},
    ),
    (
        "MessageHeader/OtherInfo/TyperNotation",
        10,
        lambda v: {"other_info": t.OtherInfo(typer_notation=v)},
    ),
    (
        "MessageHeader/OtherInfo/Appendixes/Appendix[1]",
        250,
        lambda v: {"other_info": t.OtherInfo(appendixes=[v])},
    ),
]


@pytest.mark.parametrize(("element", "limit", "fields"), HEADER_LIMITS)
def test_header_limits_on_build_and_on_parse(element, limit, fields):
    rng = random.Random(element)
    at_limit = "".join(rng.choice("ABCĐỨ123") for _ in range(limit))
    package = make_package(**fields(at_limit))
    data = build_package(package)
    assert parse_package(data) == with_document_id(package)
    too_long = at_limit + "Z"
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_package(make_package(**fields(too_long)))
    assert problems_of(excinfo)[element] == f"dài {limit + 1} ký tự, tối đa {limit} ký tự."
    # A package written by another system with the same excess is refused on parse.
    tampered = data.replace(f">{at_limit}<".encode(), f">{too_long}<".encode())
    if "Code" in element:
        # The DocumentId quotes the code: changed with it.
        tampered = data.replace(at_limit.encode(), too_long.encode())
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(tampered)
    assert problems_of(excinfo)[element] == f"dài {limit + 1} ký tự, tối đa {limit} ký tự."


@pytest.mark.parametrize("priority", ["0", "1", "2", "3", "4"])
def test_priority_0_to_4_accepted(priority):
    data = build_package(make_package()).replace(
        b"<edXML:Priority>0<", f"<edXML:Priority>{priority}<".encode()
    )
    assert parse_package(data).header.other_info.priority == int(priority)


@pytest.mark.parametrize("priority", ["5", "-1", "khẩn", "1.0"])
def test_priority_out_of_range_refused(priority):
    data = build_package(make_package()).replace(
        b"<edXML:Priority>0<", f"<edXML:Priority>{priority}<".encode()
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert problems_of(excinfo) == {
        "MessageHeader/OtherInfo/Priority": f"giá trị “{priority}” không hợp lệ, chỉ nhận: 0, 1, 2, 3, 4."
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026/11/20", datetime.date(2026, 11, 20)), ("20/11/2026", datetime.date(2026, 11, 20))],
)
def test_promulgation_date_in_both_formats(text, expected):
    data = build_package(make_package()).replace(
        b">2026/11/20</edXML:PromulgationDate>", f">{text}</edXML:PromulgationDate>".encode()
    )
    assert parse_package(data).header.promulgation_info.date == expected


@pytest.mark.parametrize(
    "text", ["2026-11-20", "20/11/26", "2026/13/01", "31/02/2026", "2026/1/5", ""]
)
def test_bad_promulgation_dates_refused(text):
    data = build_package(make_package()).replace(
        b">2026/11/20</edXML:PromulgationDate>", f">{text}</edXML:PromulgationDate>".encode()
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert "MessageHeader/PromulgationInfo/PromulgationDate" in problems_of(excinfo)


def test_future_promulgation_date_refused():
    package = make_package(
        promulgation_info=t.PromulgationInfo(date=datetime.date(2026, 11, 25)),
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_package(package, today=datetime.date(2026, 11, 20))
    assert problems_of(excinfo) == {
        "MessageHeader/PromulgationInfo/PromulgationDate": "ngày 25/11/2026 ở tương lai."
    }


def test_document_id_must_match_the_header():
    data = build_package(make_package()).replace(
        b">000.00.00.H55,2026/11/20,125/UBND-VP<", b">000.00.00.H55,2026/11/21,125/UBND-VP<"
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert problems_of(excinfo) == {
        "MessageHeader/DocumentId": "“000.00.00.H55,2026/11/21,125/UBND-VP” không khớp với đơn vị gửi, "
        "ngày và số, ký hiệu (phải là “000.00.00.H55,2026/11/20,125/UBND-VP”)."
    }


def test_missing_required_elements_are_named():
    data = build_package(make_package())
    root = etree.fromstring(data)
    header = root.find(".//e:MessageHeader", NS)
    for name in ("Code", "Subject", "From"):
        header.remove(header.find(f"e:{name}", NS))
    for to in header.findall("e:To", NS):
        header.remove(to)
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(etree.tostring(root))
    problems = problems_of(excinfo)
    for element in (
        "MessageHeader/Code",
        "MessageHeader/Subject",
        "MessageHeader/From",
        "MessageHeader/To",
    ):
        assert element in problems, problems
    assert problems["MessageHeader/Code"] == "thiếu phần tử bắt buộc."


@pytest.mark.parametrize(
    ("business", "element"),
    [
        (
            t.Business(doc_type=t.BusinessDocType.RECALL, reason="Nhầm"),
            "TraceHeaderList/Bussiness/DocumentId",
        ),
        (
            t.Business(doc_type=t.BusinessDocType.RECALL, document_id=f"{SENDER},2026/11/19,1/A"),
            "TraceHeaderList/Bussiness/BussinessDocReason",
        ),
        (
            t.Business(
                doc_type=t.BusinessDocType.UPDATE,
                reason="x",
                document_id=f"{SENDER},2026/11/19,1/A",
            ),
            "TraceHeaderList/Bussiness/BussinessDocumentInfo",
        ),
        (
            t.Business(
                doc_type=t.BusinessDocType.UPDATE,
                reason="x",
                document_id=f"{SENDER},2026/11/19,1/A",
                document_info=t.BusinessDocumentInfo(document_receiver=True),
            ),
            "TraceHeaderList/Bussiness/BussinessDocumentInfo/ReceiverList",
        ),
        (
            t.Business(
                doc_type=t.BusinessDocType.REPLACE,
                reason="x",
                document_id=f"{SENDER},2026/11/19,1/A",
            ),
            "TraceHeaderList/Bussiness/ReplacementInfoList",
        ),
    ],
)
def test_business_rules(business, element):
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_package(make_package(business=business))
    assert list(problems_of(excinfo)) == [element]


def test_manifest_and_attachments_must_match():
    package = make_package(
        attachments=[
            t.Attachment(content_id="a", name="a.pdf", content_type="application/pdf", data=b"x")
        ]
    )
    data = build_package(package)
    broken = data.replace(b'xlink:href="cid:a"', b'xlink:href="cid:b"').replace(
        b"<edXML:ContentId>a</edXML:ContentId><edXML:ContentType>",
        b"<edXML:ContentId>b</edXML:ContentId><edXML:ContentType>",
    )
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(broken)
    assert [str(p) for p in excinfo.value.problems] == [
        "edXMLManifest: tham chiếu cid:b không có tệp đính kèm tương ứng.",
        "AttachmentEncoded: tệp đính kèm a không được khai báo trong edXMLManifest.",
    ]
    external = data.replace(b'xlink:href="cid:a"', b'xlink:href="file:///etc/passwd"')
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(external)
    assert "edXMLManifest/Reference[1]/@xlink:href" in problems_of(excinfo)


def test_bad_base64_refused():
    package = make_package(
        attachments=[
            t.Attachment(content_id="a", name="a.pdf", content_type="application/pdf", data=b"abc")
        ]
    )
    data = build_package(package).replace(b">YWJj<", b">YW!j<")
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert problems_of(excinfo) == {
        "AttachmentEncoded/Attachment[1]/ContentTransferEncoded": "dữ liệu base64 không hợp lệ."
    }


def test_control_characters_refused_on_build():
    with pytest.raises(EdxmlValidationError) as excinfo:
        build_package(make_package(subject="Về việc\x07 thử"))
    assert problems_of(excinfo) == {
        "MessageHeader/Subject": "chứa ký tự điều khiển không được phép trong XML."
    }


def test_wrong_namespace_refused():
    data = build_package(make_package()).replace(t.NAMESPACE.encode(), b"http://www.go.vn/eDoc")
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert list(problems_of(excinfo)) == ["edXML"]
    assert "http://www.mic.gov.vn/TBT/QCVN_102_2016" in str(excinfo.value)


def test_random_valid_packages_round_trip():
    """Property-style: random values within every limit always survive build → parse."""
    rng = random.Random(102)
    alphabet = "aàảãáạăằắâấđêếôốơớưứyỹAĂÂĐÊÔƠƯ0123456789 -,.;:/()\"'<>&"

    def text(limit: int) -> str:
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, limit)))
        return value.strip() or "x"

    def organ_id() -> str:
        return "".join(rng.choice(".0123456789ABCDEFGHXYZ") for _ in range(rng.randint(1, 35)))

    for _ in range(60):
        receivers = list({organ_id() for _ in range(rng.randint(1, 5))})
        package = make_package(
            from_=t.Organization(organ_id=organ_id(), organ_name=text(200), organ_add=text(250)),
            to=[t.Organization(organ_id=r, organ_name=text(200)) for r in receivers],
            code=t.Code(number=str(rng.randint(1, 10**11 - 1)), notation=text(30).replace(",", "")),
            promulgation_info=t.PromulgationInfo(
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 300)),
                place=text(50),
            ),
            subject=text(500),
            content=text(500),
            other_info=t.OtherInfo(priority=t.Priority(rng.randint(0, 4)), typer_notation=text(10)),
            steering_type=t.SteeringType(rng.randint(0, 3)),
            attachments=[
                t.Attachment(
                    content_id=f"cid-{i}",
                    name=text(100),
                    content_type="application/octet-stream",
                    data=rng.randbytes(rng.randint(0, 3000)),
                )
                for i in range(rng.randint(0, 3))
            ],
        )
        package = dataclasses.replace(
            package,
            header=dataclasses.replace(
                package.header,
                code=t.Code(
                    number=package.header.code.number,
                    notation=package.header.code.notation.strip() or "A",
                ),
            ),
        )
        assert parse_package(build_package(package)) == with_document_id(package)


def test_golden_status_sample_written_by_hand():
    data = (Path(__file__).parent / "data" / "golden_status.edxml").read_bytes()
    assert package_kind(data) == "status"
    status = parse_status(data)
    assert status == t.StatusPackage(
        response_for=t.ResponseFor(
            organ_id="000.00.00.G22",
            code="7816/VPCP-TTĐT",
            promulgation_date=datetime.date(2015, 9, 30),
            document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        ),
        from_=t.Organization(
            organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An", email="vanthu@nghean.gov.vn"
        ),
        status_code=t.StatusCode.RECALL_AGREED,
        description="Đồng ý thu hồi văn bản",
        timestamp=datetime.datetime(2015, 10, 1, 8, 5, 9, tzinfo=VIETNAM),
        staff_info=t.StaffInfo(
            department="Văn phòng UBND tỉnh",
            staff="Hồ Thị E",
            mobile="0238 3844 000",
            email="e@nghean.gov.vn",
        ),
    )
    assert parse_status(build_status(status)) == status
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert problems_of(excinfo) == {"MessageHeader": "thiếu phần tử bắt buộc."}


def test_update_flags_are_0_or_1():
    data = GOLDEN.read_bytes().replace(b"<edXML:DocumentReceiver>1<", b"<edXML:DocumentReceiver>2<")
    with pytest.raises(EdxmlValidationError) as excinfo:
        parse_package(data)
    assert problems_of(excinfo) == {
        "TraceHeaderList/Bussiness/BussinessDocumentInfo/DocumentReceiver": (
            "giá trị “2” không hợp lệ, chỉ nhận: 0, 1."
        )
    }
