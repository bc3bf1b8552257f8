"""XML signature of edXML packages (XMLDSig, enveloped; documents.md §9.6).

The signature (`ds:Signature`, placed last in edXMLHeader) covers the whole package
(`Reference URI=""`, attachments included) and carries the signer's certificate in
`KeyInfo/X509Data`. RSA-SHA256 by default; RSA-SHA1, used by the 2015–2018 samples, is
accepted when verifying if the caller allows it (setting XASO_EDXML_ACCEPT_SHA1): which
algorithm the national platform expects today is Unknown.

Checking the certificate's chain to the trust anchors the administrator imports belongs to
the signatures app; `verify_package` takes those anchors as an argument.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptographyInvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from lxml import etree
from signxml import DigestAlgorithm
from signxml import SignatureConfiguration
from signxml import SignatureMethod
from signxml import XMLSigner
from signxml import XMLVerifier
from signxml.exceptions import InvalidCertificate
from signxml.exceptions import InvalidDigest
from signxml.exceptions import InvalidInput
from signxml.exceptions import InvalidSignature
from signxml.exceptions import SignXMLException

from xaso.interop.edxml.errors import Problem
from xaso.interop.edxml.errors import SignatureError
from xaso.interop.edxml.safe import DEFAULT_LIMITS
from xaso.interop.edxml.safe import Limits
from xaso.interop.edxml.safe import parse_xml
from xaso.interop.edxml.types import NAMESPACE

DS = "http://www.w3.org/2000/09/xmldsig#"
# Inclusive c14n 1.0: what the Java and .NET SDKs of the platform write by default.
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"

# Setting value → (SignatureMethod, DigestAlgorithm).
ALGORITHMS = {
    "rsa-sha256": (SignatureMethod.RSA_SHA256, DigestAlgorithm.SHA256),
    "rsa-sha512": (SignatureMethod.RSA_SHA512, DigestAlgorithm.SHA512),
    "ecdsa-sha256": (SignatureMethod.ECDSA_SHA256, DigestAlgorithm.SHA256),
    "rsa-sha1": (SignatureMethod.RSA_SHA1, DigestAlgorithm.SHA1),
}
DEFAULT_ALGORITHM = "rsa-sha256"
SECURE_ALGORITHMS = ("rsa-sha256", "rsa-sha512", "ecdsa-sha256")


@dataclass(frozen=True)
class VerifiedSignature:
    """A valid signature: who signed (certificate), with what, and the signed bytes (the
    package without its signature: parse these, never bytes outside the signature).

    `trusted`: whether the certificate chains to the trust anchors given to
    verify_package (None when none were given: not checked)."""

    certificate: x509.Certificate
    algorithm: str
    signed_data: bytes
    trusted: bool | None = None

    @property
    def signer_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()


def _error(message: str) -> SignatureError:
    return SignatureError([Problem("edXMLHeader/Signature", message)])


def sign_package(
    data: bytes,
    *,
    key,
    certificate: x509.Certificate,
    chain: Iterable[x509.Certificate] = (),
    algorithm: str = DEFAULT_ALGORITHM,
) -> bytes:
    """`data` (a package from build_package) signed with `key` and its certificate
    (+ intermediate `chain`).

    `key`: a cryptography private key (e.g. from a PKCS#12 file), or any object with the
    same `sign(data, padding, algorithm)` method and `key_size`, such as the signatures app's
    adapter over a PKCS#11 token, so the key never leaves the token.
    """
    if algorithm not in SECURE_ALGORITHMS:
        raise _error(
            _("thuật toán ký “%(algorithm)s” không được dùng để ký mới.") % {"algorithm": algorithm}
        )
    signature_method, digest = ALGORITHMS[algorithm]
    root = parse_xml(data, limits=Limits(max_package_bytes=len(data) + 1, max_depth=64))
    header = root.find(f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader")
    if header is None or root.find(f".//{{{DS}}}Signature") is not None:
        raise _error(_("gói tin không có edXMLHeader hoặc đã được ký."))
    placeholder = etree.SubElement(header, f"{{{DS}}}Signature", nsmap={"ds": DS})
    placeholder.set("Id", "placeholder")
    signer = XMLSigner(
        signature_algorithm=signature_method, digest_algorithm=digest, c14n_algorithm=C14N
    )
    signed = signer.sign(root, key=key, cert=[certificate, *chain])
    x509_data = signed.find(f".//{{{DS}}}Signature/{{{DS}}}KeyInfo/{{{DS}}}X509Data")
    if x509_data is not None:
        # KeyInfo is outside SignedInfo; the subject name helps systems that look it up.
        subject = etree.Element(f"{{{DS}}}X509SubjectName")
        subject.text = certificate.subject.rfc4514_string()
        x509_data.insert(0, subject)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _certificate(signature: etree._Element) -> tuple[x509.Certificate, list[x509.Certificate]]:
    texts = [
        "".join((element.text or "").split())
        for element in signature.findall(
            f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"
        )
    ]
    if not texts or not texts[0]:
        raise _error(_("chữ ký không kèm chứng thư số (KeyInfo/X509Data/X509Certificate)."))
    try:
        certificates = [
            x509.load_pem_x509_certificate(
                b"-----BEGIN CERTIFICATE-----\n"
                + text.encode("ascii")
                + b"\n-----END CERTIFICATE-----\n"
            )
            for text in texts
        ]
    except ValueError as exc:
        raise _error(_("chứng thư số trong chữ ký không đọc được.")) from exc
    return certificates[0], certificates[1:]


def _chains_to(
    certificate: x509.Certificate,
    intermediates: list[x509.Certificate],
    anchors: list[x509.Certificate],
) -> bool:
    anchor_der = {anchor.public_bytes(serialization.Encoding.DER) for anchor in anchors}
    current = certificate
    for _step in range(len(intermediates) + len(anchors) + 2):
        if current.public_bytes(serialization.Encoding.DER) in anchor_der:
            return True
        for issuer in [*anchors, *intermediates]:
            if issuer.subject != current.issuer:
                continue
            try:
                current.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, CryptographyInvalidSignature):
                continue
            if issuer in anchors:
                return True
            current = issuer
            break
        else:
            return False
    return False


def verify_package(
    data: bytes,
    *,
    accepted_algorithms: Iterable[str] = SECURE_ALGORITHMS,
    trust_anchors: Iterable[x509.Certificate] | None = None,
    intermediates: Iterable[x509.Certificate] = (),
    require_trusted_chain: bool = True,
    at: datetime.datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedSignature:
    """Check the package's XML signature; SignatureError with the reason otherwise.

    `accepted_algorithms`: names of ALGORITHMS (add "rsa-sha1" for old packages).
    `trust_anchors`: when given, the signer's certificate is checked to chain to one of
    them, through the intermediates carried in X509Data and `intermediates` (e.g. the ones
    the administrator imported); with `require_trusted_chain` an untrusted chain is a
    SignatureError, otherwise the result says `trusted=False`. `at`: when the certificate
    must have been valid (default now).
    """
    root = parse_xml(data, limits=limits)
    signatures = root.findall(f".//{{{DS}}}Signature")
    if not signatures:
        raise _error(_("gói tin chưa được ký số."))
    if len(signatures) > 1:
        raise _error(_("gói tin có nhiều chữ ký số; chỉ chấp nhận một."))
    signature = signatures[0]
    references = signature.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        # A signature over a part only would leave the rest open to change (wrapping).
        raise _error(_('chữ ký phải bao trùm toàn bộ gói tin (Reference URI="").'))
    method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    method_uri = method.get("Algorithm", "") if method is not None else ""
    names = {ALGORITHMS[name][0].value: name for name in accepted_algorithms}
    if method_uri not in names:
        raise _error(
            _("thuật toán ký “%(algorithm)s” không được chấp nhận.")
            % {"algorithm": method_uri[:120] or "?"}
        )
    algorithm = names[method_uri]
    certificate, carried = _certificate(signature)
    config = SignatureConfiguration(
        signature_methods=frozenset(ALGORITHMS[name][0] for name in accepted_algorithms),
        digest_algorithms=frozenset(ALGORITHMS[name][1] for name in accepted_algorithms),
        expect_references=1,
        verification_time=at,
    )
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except InvalidDigest as exc:
        raise _error(_("nội dung gói tin đã bị thay đổi sau khi ký (sai giá trị băm).")) from exc
    except InvalidCertificate as exc:
        raise _error(
            _("chứng thư số của người ký không còn hiệu lực tại thời điểm kiểm tra.")
        ) from exc
    except InvalidSignature as exc:
        raise _error(_("giá trị chữ ký không khớp với chứng thư số (chữ ký bị sửa đổi).")) from exc
    except InvalidInput as exc:
        raise _error(
            _("cấu trúc chữ ký không hợp lệ: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    except (SignXMLException, UnsupportedAlgorithm, etree.LxmlError, ValueError, TypeError) as exc:
        # Anything else a hostile signature can provoke (odd keys, bad base64…).
        raise _error(
            _("không kiểm tra được chữ ký: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    trusted = None
    if trust_anchors is not None:
        trusted = _chains_to(certificate, [*carried, *intermediates], list(trust_anchors))
        if not trusted and require_trusted_chain:
            raise _error(
                _("chứng thư số của người ký “%(subject)s” không thuộc tổ chức chứng thực tin cậy.")
                % {"subject": certificate.subject.rfc4514_string()[:200]}
            )
    signed = result.signed_xml
    return VerifiedSignature(
        certificate=certificate,
        algorithm=algorithm,
        signed_data=etree.tostring(signed, xml_declaration=True, encoding="UTF-8"),
        trusted=trusted,
    )
