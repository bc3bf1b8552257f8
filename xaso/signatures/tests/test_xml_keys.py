"""Keys for XML signatures: a SoftHSM token key used through cryptography's RSAPrivateKey
interface (the key stays on the token), and PKCS#12 files; signxml signs edXML with them."""

import copy
from types import SimpleNamespace

import pytest
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric import utils
from lxml import etree
from signxml import SignatureConfiguration
from signxml import SignatureMethod
from signxml import XMLSigner
from signxml import XMLVerifier

from xaso.conftest import PASSPHRASE
from xaso.signatures import pki
from xaso.signatures import services
from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import SigningError
from xaso.signatures.signing import TokenKey
from xaso.signatures.xml_keys import TokenRsaPrivateKey
from xaso.signatures.xml_keys import open_xml_signing_key

DATA = "Công văn số 01/UBND-VP".encode()


def token_key(softhsm_token: SimpleNamespace, pin: str | None = None) -> TokenKey:
    return TokenKey(token_label=softhsm_token.token.token_label, pin=pin or softhsm_token.pin)


def test_token_key_is_an_rsa_private_key_that_signs_on_the_token(softhsm_token):
    with open_xml_signing_key(token_key(softhsm_token)) as xml_key:
        key = xml_key.private_key
        assert isinstance(key, rsa.RSAPrivateKey)
        assert isinstance(key, TokenRsaPrivateKey)
        assert xml_key.certificate == softhsm_token.token.certificate
        assert xml_key.signer_name == "Trần Văn Chủ Tịch (token)"
        assert key.key_size == 2048
        public = softhsm_token.token.certificate.public_key()
        # Each form signxml or cryptography callers use; verified with the certificate.
        for algorithm in (hashes.SHA256(), hashes.SHA512(), hashes.SHA1()):  # noqa: S303
            signature = key.sign(DATA, padding.PKCS1v15(), algorithm)
            public.verify(signature, DATA, padding.PKCS1v15(), algorithm)
        digest = hashes.Hash(hashes.SHA256())
        digest.update(DATA)
        prehashed = key.sign(
            digest.finalize(), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())
        )
        public.verify(prehashed, DATA, padding.PKCS1v15(), hashes.SHA256())
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        public.verify(key.sign(DATA, pss, hashes.SHA256()), DATA, pss, hashes.SHA256())
        # The private key cannot be read out.
        with pytest.raises(UnsupportedAlgorithm):
            key.private_numbers()
        with pytest.raises(UnsupportedAlgorithm):
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        assert copy.deepcopy(key) is key


def test_xml_signed_through_the_token_verifies_with_signxml(softhsm_token):
    document = etree.fromstring(
        "<edXML xmlns='urn:test'><Subject>Về việc phối hợp</Subject></edXML>".encode()
    )
    with open_xml_signing_key(token_key(softhsm_token)) as xml_key:
        signed = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256).sign(
            document, key=xml_key.private_key, cert=[xml_key.certificate]
        )
    data = etree.tostring(signed, encoding="UTF-8")
    certificate = pki.pem(softhsm_token.token.certificate).decode()
    result = XMLVerifier().verify(data, x509_cert=certificate)
    assert result.signed_xml.findtext("{urn:test}Subject") == "Về việc phối hợp"
    # A changed byte breaks it.
    with pytest.raises(Exception, match="Digest mismatch"):
        XMLVerifier().verify(
            data.replace("phối hợp".encode(), "phối hợp ngay".encode()),
            x509_cert=certificate,
            expect_config=SignatureConfiguration(),
        )


def test_wrong_pin_and_missing_token_give_the_messages(softhsm_token):
    with (
        pytest.raises(SigningError, match="Mã PIN của thiết bị ký số không đúng"),
        open_xml_signing_key(token_key(softhsm_token, pin="000000")),
    ):
        pass
    with (
        pytest.raises(SigningError, match="Không tìm thấy thiết bị ký số “khong-co”"),
        open_xml_signing_key(TokenKey(token_label="khong-co", pin=softhsm_token.pin)),
    ):
        pass
    with (
        pytest.raises(SigningError, match="không có khóa và chứng thư “khac”"),
        open_xml_signing_key(
            TokenKey(
                token_label=softhsm_token.token.token_label, pin=softhsm_token.pin, key_label="khac"
            )
        ),
    ):
        pass


def test_pkcs12_key_with_its_chain_and_wrong_passphrase(demo_pki):
    with open_xml_signing_key(
        Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE)
    ) as xml_key:
        assert xml_key.certificate == demo_pki.organisation.certificate
        assert demo_pki.sub.certificate in xml_key.chain
        assert xml_key.signer_name == "UBND xã Quỳ Châu"
    with (
        pytest.raises(SigningError, match="Không mở được tệp khóa PKCS#12"),
        open_xml_signing_key(Pkcs12Key(data=demo_pki.organisation_p12, passphrase="sai")),
    ):
        pass


def test_actor_must_have_registered_the_certificate(demo_pki, clerk):
    key = Pkcs12Key(data=demo_pki.organisation_p12, passphrase=PASSPHRASE)
    with (
        pytest.raises(SigningError, match="chưa đăng ký chứng thư số"),
        services.open_xml_signing_key(key, actor=clerk),
    ):
        pass
    services.register_user_certificate(actor=clerk, data=pki.pem(demo_pki.chairman.certificate))
    with (
        pytest.raises(SigningError, match="không khớp với chứng thư đã đăng ký"),
        services.open_xml_signing_key(key, actor=clerk),
    ):
        pass
    services.register_user_certificate(actor=clerk, data=pki.pem(demo_pki.organisation.certificate))
    with services.open_xml_signing_key(key, actor=clerk) as xml_key:
        assert xml_key.certificate == demo_pki.organisation.certificate
