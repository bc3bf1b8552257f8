"""Keys for XML signatures (XMLDSig of edXML packages, documents.md §9.6): the same
PKCS#12 files and PKCS#11 tokens as PDF signing, handed out as cryptography private keys.

signxml signs with any object that has cryptography's private-key interface. A token key
is wrapped in `TokenRsaPrivateKey`, whose `sign()` sends the data to the token
(CKM_SHA256_RSA_PKCS and friends): the private key never leaves the token, as with PDF
signatures. PINs and passphrases are never logged.
"""

import contextlib
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric import utils as asym_utils
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils.translation import gettext as _

from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import SignerKey
from xaso.signatures.signing import SigningError
from xaso.signatures.signing import TokenKey
from xaso.signatures.signing import key_not_found
from xaso.signatures.signing import open_token_session

# DER prefix of the DigestInfo for a pre-hashed digest (RFC 8017 §9.2, note 1), for the
# raw CKM_RSA_PKCS mechanism.
_DIGEST_INFO_PREFIX = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


class XmlSigningKey(NamedTuple):
    """What an XML signer needs: the private key (or its token adapter), the signer's
    certificate and the other certificates that came with it (intermediates)."""

    private_key: Any
    certificate: x509.Certificate
    chain: list[x509.Certificate]

    @property
    def signer_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()


class TokenRsaPrivateKey(rsa.RSAPrivateKey):
    """cryptography's RSAPrivateKey over a PKCS#11 private key object: signing runs on the
    token; everything that would need the private numbers is refused."""

    def __init__(self, token_key: Any, public_key: rsa.RSAPublicKey):
        self._token_key = token_key
        self._public_key = public_key

    @property
    def key_size(self) -> int:
        return self._public_key.key_size

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public_key

    def sign(
        self,
        data: bytes,
        padding: asym_padding.AsymmetricPadding,
        algorithm: asym_utils.Prehashed | hashes.HashAlgorithm,
    ) -> bytes:
        from pkcs11 import exceptions as p11_errors

        try:
            return self._sign_on_token(data, padding, algorithm)
        except p11_errors.PKCS11Error as error:
            # E.g. the token pulled out between opening it and signing.
            raise SigningError(
                _("Thiết bị ký số không ký được (%(error)s). Hãy kiểm tra thiết bị và thử lại.")
                % {"error": type(error).__name__},
                code="token_failed",
            ) from error

    def _sign_on_token(
        self,
        data: bytes,
        padding: asym_padding.AsymmetricPadding,
        algorithm: asym_utils.Prehashed | hashes.HashAlgorithm,
    ) -> bytes:
        from pkcs11 import MGF
        from pkcs11 import Mechanism

        prehashed = isinstance(algorithm, asym_utils.Prehashed)
        hash_algorithm = algorithm._algorithm if prehashed else algorithm
        name = hash_algorithm.name
        if isinstance(padding, asym_padding.PKCS1v15):
            if prehashed:
                if name not in _DIGEST_INFO_PREFIX:
                    raise UnsupportedAlgorithm(f"hash {name} on a token")
                return self._token_key.sign(
                    _DIGEST_INFO_PREFIX[name] + data, mechanism=Mechanism.RSA_PKCS
                )
            mechanisms = {
                "sha1": Mechanism.SHA1_RSA_PKCS,
                "sha256": Mechanism.SHA256_RSA_PKCS,
                "sha384": Mechanism.SHA384_RSA_PKCS,
                "sha512": Mechanism.SHA512_RSA_PKCS,
            }
            if name not in mechanisms:
                raise UnsupportedAlgorithm(f"hash {name} on a token")
            return self._token_key.sign(data, mechanism=mechanisms[name])
        if isinstance(padding, asym_padding.PSS) and not prehashed:
            mechanisms = {
                "sha256": (Mechanism.SHA256_RSA_PKCS_PSS, Mechanism.SHA256, MGF.SHA256),
                "sha384": (Mechanism.SHA384_RSA_PKCS_PSS, Mechanism.SHA384, MGF.SHA384),
                "sha512": (Mechanism.SHA512_RSA_PKCS_PSS, Mechanism.SHA512, MGF.SHA512),
            }
            mgf_hash = getattr(getattr(padding, "_mgf", None), "_algorithm", None)
            if name not in mechanisms or (mgf_hash is not None and mgf_hash.name != name):
                raise UnsupportedAlgorithm(f"RSA-PSS with {name} on a token")
            mechanism, digest, mgf = mechanisms[name]
            salt = padding._salt_length
            if salt is asym_padding.PSS.DIGEST_LENGTH:
                salt = hash_algorithm.digest_size
            elif not isinstance(salt, int):
                raise UnsupportedAlgorithm("RSA-PSS salt length other than a number of bytes")
            return self._token_key.sign(
                data, mechanism=mechanism, mechanism_param=(digest, mgf, salt)
            )
        raise UnsupportedAlgorithm(f"padding {padding.name} on a token")

    # The key is on the token: no decryption here, no export.

    def decrypt(self, ciphertext: bytes, padding: asym_padding.AsymmetricPadding) -> bytes:
        raise UnsupportedAlgorithm("decryption with a token key is not used")

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        raise UnsupportedAlgorithm("the private key does not leave the token")

    def private_bytes(
        self,
        encoding: serialization.Encoding,
        format: serialization.PrivateFormat,
        encryption_algorithm: serialization.KeySerializationEncryption,
    ) -> bytes:
        raise UnsupportedAlgorithm("the private key does not leave the token")

    def __copy__(self) -> "TokenRsaPrivateKey":
        return self

    def __deepcopy__(self, memo: dict) -> "TokenRsaPrivateKey":
        return self


def _token_certificates(session: Any) -> list[tuple[bytes, bytes, x509.Certificate]]:
    """(id, label, certificate) of every certificate object on the token."""
    import pkcs11

    found = []
    for item in session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE}):
        try:
            certificate = x509.load_der_x509_certificate(bytes(item[pkcs11.Attribute.VALUE]))
        except ValueError:
            continue
        found.append(
            (bytes(item[pkcs11.Attribute.ID]), str(item[pkcs11.Attribute.LABEL]), certificate)
        )
    return found


@contextlib.contextmanager
def _token_xml_key(key: TokenKey) -> Iterator[XmlSigningKey]:
    import pkcs11
    from pkcs11 import exceptions as p11_errors

    with open_token_session(key) as token:
        wanted = {"id": token.key_id} if token.key_id is not None else {"label": token.key_label}
        try:
            private = token.session.get_key(
                object_class=pkcs11.ObjectClass.PRIVATE_KEY, key_type=pkcs11.KeyType.RSA, **wanted
            )
        except p11_errors.PKCS11Error as error:
            raise key_not_found(token.key_label) from error
        certificates = _token_certificates(token.session)
        mine = [
            certificate
            for identifier, label, certificate in certificates
            if (identifier == token.key_id if token.key_id is not None else label == key.key_label)
        ]
        if len(mine) != 1 or not isinstance(mine[0].public_key(), rsa.RSAPublicKey):
            raise key_not_found(token.key_label)
        certificate = mine[0]
        chain = [other for _id, _label, other in certificates if other != certificate]
        yield XmlSigningKey(
            private_key=TokenRsaPrivateKey(private, certificate.public_key()),
            certificate=certificate,
            chain=chain,
        )


def _pkcs12_xml_key(key: Pkcs12Key) -> XmlSigningKey:
    try:
        private, certificate, others = pkcs12.load_key_and_certificates(
            key.data, key.passphrase.encode() or None
        )
    except (ValueError, TypeError) as error:
        raise SigningError(
            _(
                "Không mở được tệp khóa PKCS#12: sai mật khẩu hoặc tệp không phải "
                "tệp .p12/.pfx hợp lệ."
            ),
            code="wrong_passphrase",
        ) from error
    if private is None or certificate is None:
        raise key_not_found("")
    return XmlSigningKey(private_key=private, certificate=certificate, chain=list(others))


@contextlib.contextmanager
def open_xml_signing_key(
    key: SignerKey, *, allowed_certificates: set[bytes] | None = None
) -> Iterator[XmlSigningKey]:
    """The key of `key` (file or token) ready for signxml, for the duration of the block
    (a token session stays open until then). SigningError with the Vietnamese reason when
    the file, token, PIN or key is refused, or when the certificate is not among
    `allowed_certificates` (DER)."""
    if isinstance(key, TokenKey):
        context: contextlib.AbstractContextManager[XmlSigningKey] = _token_xml_key(key)
    else:
        context = contextlib.nullcontext(_pkcs12_xml_key(key))
    with context as xml_key:
        if allowed_certificates is not None:
            der = xml_key.certificate.public_bytes(serialization.Encoding.DER)
            if der not in allowed_certificates:
                raise SigningError(
                    _(
                        "Chứng thư số trong khóa ký không khớp với chứng thư đã đăng ký cho "
                        "tài khoản của bạn. Hãy đăng ký chứng thư này trước khi ký."
                    ),
                    code="certificate_mismatch",
                )
        yield xml_key
