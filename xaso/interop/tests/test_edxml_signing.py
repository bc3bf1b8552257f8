"""XML signature of packages: sign, verify (signer certificate), tampering, SHA-1, trust."""

import datetime

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import XMLSigner

from xaso.interop.edxml import SignatureError
from xaso.interop.edxml import build_package
from xaso.interop.edxml import parse_package
from xaso.interop.edxml import sign_package
from xaso.interop.edxml import types as t
from xaso.interop.edxml import verify_package
from xaso.interop.edxml.build import with_document_id
from xaso.interop.edxml.signing import C14N
from xaso.interop.edxml.signing import DS
from xaso.interop.tests.factories import make_certificate
from xaso.interop.tests.factories import make_package


@pytest.fixture(scope="module")
def signer():
    return make_certificate("UBND tỉnh Thái Nguyên")


@pytest.fixture(scope="module")
def package():
    return make_package(
        attachments=[
            t.Attachment(
                content_id="a1",
                name="vb.pdf",
                content_type="application/pdf",
                data=b"%PDF-1.7 body",
            )
        ]
    )


@pytest.fixture(scope="module")
def signed(signer, package):
    key, certificate = signer
    return sign_package(build_package(package), key=key, certificate=certificate)


def reason(excinfo) -> str:
    return str(excinfo.value)


def test_sign_and_verify_returns_the_signer_certificate(signer, package, signed):
    _key, certificate = signer
    verified = verify_package(signed)
    assert verified.certificate == certificate
    assert verified.signer_name == "UBND tỉnh Thái Nguyên"
    assert verified.algorithm == "rsa-sha256"
    assert parse_package(verified.signed_data) == with_document_id(package)
    assert parse_package(signed) == with_document_id(package)
    root = etree.fromstring(signed)
    signature = root.find(f".//{{{DS}}}Signature")
    # Placed last in edXMLHeader (documents.md §9.2), over the whole package.
    assert signature.getparent().tag == f"{{{t.NAMESPACE}}}edXMLHeader"
    assert signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference").get("URI") == ""
    assert (
        signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}CanonicalizationMethod").get("Algorithm")
        == C14N
    )
    assert (
        signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod").get("Algorithm")
        == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    x509_data = signature.find(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data")
    assert x509_data.findtext(f"{{{DS}}}X509SubjectName") == "CN=UBND tỉnh Thái Nguyên"
    assert x509_data.findtext(f"{{{DS}}}X509Certificate")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"V/v tri\xe1\xbb\x83n khai", b"V/v h\xe1\xbb\xa7y b\xe1\xbb\x8f"),  # Subject
        (b">125<", b">126<"),  # CodeNumber
        (b"JVBERi0xLjcgYm9keQ==", b"JVBERi0xLjcgYm9keg=="),  # attachment outside the envelope
        (b"<edXML:Priority>0<", b"<edXML:Priority>3<"),
    ],
)
def test_tampered_package_rejected_with_reason(signed, old, new):
    assert old in signed
    with pytest.raises(SignatureError) as excinfo:
        verify_package(signed.replace(old, new, 1))
    assert reason(excinfo) == (
        "edXMLHeader/Signature: nội dung gói tin đã bị thay đổi sau khi ký (sai giá trị băm)."
    )


def test_tampered_signature_value_rejected(signed):
    root = etree.fromstring(signed)
    value = root.find(f".//{{{DS}}}SignatureValue")
    value.text = value.text[:10] + ("A" if value.text[10] != "A" else "B") + value.text[11:]
    with pytest.raises(SignatureError) as excinfo:
        verify_package(etree.tostring(root))
    assert "chữ ký bị sửa đổi" in reason(excinfo)


def test_swapped_certificate_rejected(signed):
    _other_key, other = make_certificate("Kẻ giả mạo")
    root = etree.fromstring(signed)
    cert = root.find(f".//{{{DS}}}X509Certificate")
    cert.text = "".join(other.public_bytes(serialization.Encoding.PEM).decode().splitlines()[1:-1])
    with pytest.raises(SignatureError) as excinfo:
        verify_package(etree.tostring(root))
    assert "chữ ký bị sửa đổi" in reason(excinfo)


def test_unsigned_package_rejected(package):
    with pytest.raises(SignatureError) as excinfo:
        verify_package(build_package(package))
    assert reason(excinfo) == "edXMLHeader/Signature: gói tin chưa được ký số."


def test_signing_twice_refused(signer, signed):
    key, certificate = signer
    with pytest.raises(SignatureError):
        sign_package(signed, key=key, certificate=certificate)


def legacy_sha1_signed(package, key, certificate) -> bytes:
    """A package signed the 2015–2018 way (RSA-SHA1), which signxml refuses to produce."""

    class LegacySigner(XMLSigner):
        def check_deprecated_methods(self):
            return None

    root = etree.fromstring(build_package(package))
    header = root.find(f"{{{t.NAMESPACE}}}edXMLEnvelope/{{{t.NAMESPACE}}}edXMLHeader")
    etree.SubElement(header, f"{{{DS}}}Signature", Id="placeholder")
    signed = LegacySigner(
        signature_algorithm="rsa-sha1", digest_algorithm="sha1", c14n_algorithm=C14N
    ).sign(root, key=key, cert=[certificate])
    return etree.tostring(signed)


def test_sha1_verified_only_when_accepted(signer, package):
    key, certificate = signer
    data = legacy_sha1_signed(package, key, certificate)
    with pytest.raises(SignatureError) as excinfo:
        verify_package(data)
    assert reason(excinfo) == (
        "edXMLHeader/Signature: thuật toán ký “http://www.w3.org/2000/09/xmldsig#rsa-sha1” "
        "không được chấp nhận."
    )
    verified = verify_package(data, accepted_algorithms=["rsa-sha256", "rsa-sha1"])
    assert verified.algorithm == "rsa-sha1"
    assert verified.certificate == certificate


def test_sha1_never_used_for_new_signatures(signer, package):
    key, certificate = signer
    with pytest.raises(SignatureError) as excinfo:
        sign_package(build_package(package), key=key, certificate=certificate, algorithm="rsa-sha1")
    assert "không được dùng để ký mới" in reason(excinfo)


def test_rsa_sha512_setting(signer, package):
    key, certificate = signer
    data = sign_package(
        build_package(package), key=key, certificate=certificate, algorithm="rsa-sha512"
    )
    assert verify_package(data).algorithm == "rsa-sha512"


def test_trust_anchors_and_intermediates():
    root_key, root_cert = make_certificate("Root CA thử", ca=True, days=3650)
    mid_key, mid_cert = make_certificate("CA trung gian", issuer=(root_key, root_cert), ca=True)
    key, cert = make_certificate("Văn thư UBND xã", issuer=(mid_key, mid_cert))
    data = sign_package(build_package(make_package()), key=key, certificate=cert, chain=[mid_cert])
    assert verify_package(data, trust_anchors=[root_cert]).certificate == cert
    _other_key, other_root = make_certificate("CA khác", ca=True)
    with pytest.raises(SignatureError) as excinfo:
        verify_package(data, trust_anchors=[other_root])
    assert "không thuộc tổ chức chứng thực tin cậy" in reason(excinfo)
    # Not required: the result says whether the chain is trusted.
    assert verify_package(data, trust_anchors=[root_cert]).trusted is True
    assert verify_package(
        data, trust_anchors=[other_root], require_trusted_chain=False
    ).trusted is (False)
    assert verify_package(data).trusted is None
    # An intermediate the administrator imported completes a chain the package lacks.
    bare = sign_package(build_package(make_package()), key=key, certificate=cert)
    assert verify_package(bare, trust_anchors=[root_cert], require_trusted_chain=False).trusted is (
        False
    )
    verified = verify_package(bare, trust_anchors=[root_cert], intermediates=[mid_cert])
    assert verified.trusted is True


def test_expired_certificate_rejected_now_but_valid_at_signing_time(package):
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    key, cert = make_certificate("Hết hạn", not_before=start, days=30)
    data = sign_package(build_package(package), key=key, certificate=cert)
    with pytest.raises(SignatureError) as excinfo:
        verify_package(data)
    assert "không còn hiệu lực" in reason(excinfo)
    assert verify_package(data, at=start + datetime.timedelta(days=2)).certificate == cert


def test_signature_over_a_part_only_rejected(signer, package):
    """A signature whose Reference points at one element leaves the rest open (wrapping)."""
    key, certificate = signer
    root = etree.fromstring(build_package(package))
    header = root.find(f".//{{{t.NAMESPACE}}}MessageHeader")
    header.set("Id", "mh")
    signed = XMLSigner(c14n_algorithm=C14N).sign(
        root, key=key, cert=[certificate], reference_uri="#mh"
    )
    with pytest.raises(SignatureError) as excinfo:
        verify_package(etree.tostring(signed))
    assert "bao trùm toàn bộ gói tin" in reason(excinfo)


class TokenKey:
    """Stands for a key held in a token: it signs, it cannot be exported."""

    def __init__(self, key):
        self._key = key
        self.key_size = key.key_size
        self.calls = 0

    def sign(self, data, padding, algorithm):
        self.calls += 1
        return self._key.sign(data, padding, algorithm)

    def public_key(self):
        return self._key.public_key()


def test_signing_through_a_key_that_never_leaves_its_token(signer, package):
    key, certificate = signer
    token_key = TokenKey(key)
    data = sign_package(build_package(package), key=token_key, certificate=certificate)
    assert token_key.calls == 1
    assert not hasattr(token_key, "private_bytes")
    assert verify_package(data).certificate == certificate


@pytest.mark.parametrize(
    "mangle",
    [
        lambda sig: sig.find(f"{{{DS}}}SignatureValue").__setattr__("text", "!!!not base64!!!"),
        lambda sig: sig.find(f".//{{{DS}}}X509Certificate").__setattr__("text", "QUJD"),
        lambda sig: sig.find(f".//{{{DS}}}DigestValue").__setattr__("text", "%%%"),
        lambda sig: sig.find(f"{{{DS}}}SignedInfo").remove(
            sig.find(f"{{{DS}}}SignedInfo/{{{DS}}}CanonicalizationMethod")
        ),
    ],
)
def test_mangled_signature_is_refused_cleanly(signed, mangle):
    root = etree.fromstring(signed)
    mangle(root.find(f".//{{{DS}}}Signature"))
    with pytest.raises(SignatureError) as excinfo:
        verify_package(etree.tostring(root))
    assert reason(excinfo).startswith("edXMLHeader/Signature: ")
