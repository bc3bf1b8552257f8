"""Hostile and malformed XML is refused with a clear message before anything is used."""

import http.server
import random
import threading
from pathlib import Path

import pytest
from lxml import etree

from xaso.interop.edxml import EdxmlError
from xaso.interop.edxml import Limits
from xaso.interop.edxml import UnsafeXmlError
from xaso.interop.edxml import build_package
from xaso.interop.edxml import build_status
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import parse_status
from xaso.interop.edxml import types as t
from xaso.interop.edxml.safe import parse_xml
from xaso.interop.tests.factories import make_package
from xaso.interop.tests.factories import make_status

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def message(excinfo) -> str:
    return str(excinfo.value)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<edXML:edXML xmlns:edXML="%s"><edXML:edXMLEnvelope><edXML:edXMLHeader>
<edXML:MessageHeader><edXML:Subject>&lol9;</edXML:Subject></edXML:MessageHeader>
</edXML:edXMLHeader></edXML:edXMLEnvelope></edXML:edXML>""" % NS.encode()


def test_billion_laughs_refused():
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_package(BILLION_LAUGHS)
    assert "DOCTYPE/ENTITY" in message(excinfo)


def test_xxe_file_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT KHẨU")
    data = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://'
        + str(secret).encode()
        + b'">]><edXML:edXML xmlns:edXML="'
        + NS.encode()
        + b'"><edXML:edXMLEnvelope><edXML:edXMLHeader><edXML:MessageHeader>'
        b"<edXML:Subject>&xxe;</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>"
        b"</edXML:edXMLEnvelope></edXML:edXML>"
    )
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_package(data)
    assert "MẬT KHẨU" not in message(excinfo)
    assert "DOCTYPE" in message(excinfo)


@pytest.fixture
def listener():
    """A local HTTP server that records whether anything fetched from it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "pwned">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def test_xxe_http_and_external_dtd_refused_without_any_request(listener):
    port, hits = listener
    url = f"http://127.0.0.1:{port}/evil.dtd".encode()
    attacks = [
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "' + url + b'">]><x>&xxe;</x>',
        b'<!DOCTYPE x SYSTEM "' + url + b'"><x/>',
        b'<!DOCTYPE x [<!ENTITY % p SYSTEM "' + url + b'"> %p;]><x/>',
    ]
    for attack in attacks:
        with pytest.raises(UnsafeXmlError):
            parse_package(b'<?xml version="1.0"?>' + attack)
    assert hits == []


def test_doctype_hidden_in_utf16_refused_after_parse(listener):
    port, hits = listener
    text = (
        f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM '
        f'"http://127.0.0.1:{port}/x">]><x>&e;</x>'
    )
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_xml(text.encode("utf-16"))
    assert "DOCTYPE" in message(excinfo) or "thực thể" in message(excinfo)
    assert hits == []


def test_xinclude_is_not_processed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT KHẨU")
    package = build_package(make_package(subject="XINCLUDE_HERE"))
    data = package.replace(
        b"XINCLUDE_HERE",
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" parse="text" href="file://'
        + str(secret).encode()
        + b'"/>',
    )
    with pytest.raises(Exception) as excinfo:  # noqa: PT011 — either refusal is fine
        parse_package(data)
    assert "MẬT KHẨU" not in str(excinfo.value)


def test_package_size_limit():
    data = build_package(make_package())
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_package(data, limits=Limits(max_package_bytes=len(data) - 1))
    assert message(excinfo) == f"Gói tin dài {len(data)} byte, vượt giới hạn {len(data) - 1} byte."
    assert parse_package(data, limits=Limits(max_package_bytes=len(data))).header.subject


def test_depth_limit():
    deep = b"<a>" * 40 + b"</a>" * 40
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_xml(deep, limits=Limits(max_depth=32))
    assert message(excinfo) == "Gói tin lồng quá 32 cấp phần tử."
    assert parse_xml(deep, limits=Limits(max_depth=40)).tag == "a"


def test_libxml2_depth_bomb_refused():
    bomb = b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(UnsafeXmlError):
        parse_xml(bomb, limits=Limits(max_depth=32, max_package_bytes=10**7))


def attachments(count: int, size: int) -> list[t.Attachment]:
    return [
        t.Attachment(
            content_id=f"a{i}",
            name=f"{i}.bin",
            content_type="application/octet-stream",
            data=b"x" * size,
        )
        for i in range(count)
    ]


def test_attachment_count_limit():
    data = build_package(make_package(attachments=attachments(3, 10)))
    with pytest.raises(Exception) as excinfo:  # noqa: PT011
        parse_package(data, limits=Limits(max_attachments=2))
    assert str(excinfo.value) == "AttachmentEncoded: có 3 tệp đính kèm, tối đa 2."
    assert len(parse_package(data, limits=Limits(max_attachments=3)).attachments) == 3


def test_attachment_size_limit():
    data = build_package(make_package(attachments=attachments(1, 3000)))
    with pytest.raises(Exception) as excinfo:  # noqa: PT011
        parse_package(data, limits=Limits(max_attachment_bytes=2999))
    assert str(excinfo.value) == (
        "AttachmentEncoded/Attachment[1]/ContentTransferEncoded: "
        "tệp đính kèm vượt giới hạn 2999 byte."
    )
    assert (
        parse_package(data, limits=Limits(max_attachment_bytes=3000)).attachments[0].data
        == b"x" * 3000
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Gói tin rỗng."),
        (b"   \n", "Gói tin rỗng."),
        (b"<edXML:edXML", "Gói tin không phải XML hợp lệ"),
        (b"<a><b></a>", "Gói tin không phải XML hợp lệ"),
        (b"\xff\xfe\x00garbage", "Gói tin không phải XML hợp lệ"),
        (b"%PDF-1.7 not xml", "Gói tin không phải XML hợp lệ"),
    ],
)
def test_malformed_input_refused(data, expected):
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_package(data)
    assert message(excinfo).startswith(expected)
    with pytest.raises(UnsafeXmlError):
        parse_status(data)


def test_not_bytes_refused():
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_package("<edXML/>")
    assert message(excinfo) == "Gói tin phải là dữ liệu nhị phân (bytes)."


def test_text_node_over_libxml2_limit_refused_clearly():
    """Without huge_tree libxml2 stops at 10,000,000 characters in one text node."""
    big = attachments(1, 8 * 1024 * 1024)
    data = build_package(make_package(attachments=big))
    with pytest.raises(UnsafeXmlError) as excinfo:
        parse_package(data, limits=Limits(max_package_bytes=10**8, max_attachment_bytes=10**8))
    assert message(excinfo) == (
        "Gói tin có một phần tử (thường là tệp đính kèm) dài quá 10000000 ký tự; "
        "tệp đính kèm tối đa khoảng 7 MB."
    )


def test_mutated_packages_never_escape_as_other_errors():
    """Fuzz: truncations, byte flips and dropped elements of valid packages only ever give
    a package or an EdxmlError (a clear refusal), never another exception (a 500)."""
    golden = (Path(__file__).parent / "data" / "golden_package.edxml").read_bytes()
    samples = [golden, build_package(make_package()), build_status(make_status())]
    rng = random.Random(2016)
    parsed = 0
    refusals: list[EdxmlError] = []
    for _ in range(400):
        data = bytearray(rng.choice(samples))
        action = rng.randrange(3)
        if action == 0:
            data = data[: rng.randrange(len(data))]
        elif action == 1:
            for _flip in range(rng.randint(1, 5)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            root = etree.fromstring(bytes(data))
            elements = list(root.iter())[1:]
            victim = rng.choice(elements)
            victim.getparent().remove(victim)
            data = bytearray(etree.tostring(root))
        for parse in (parse_package, parse_status):
            try:
                parse(bytes(data))
                parsed += 1
            except EdxmlError as exc:
                refusals.append(exc)
    assert len(refusals) + parsed == 800
    assert len(refusals) > 400
    assert all(exc.problems for exc in refusals)
    assert all(problem.message for exc in refusals for problem in exc.problems)
