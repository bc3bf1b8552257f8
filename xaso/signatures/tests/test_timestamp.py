"""RFC 3161 timestamps: signing asks the TSA named by XASO_TSA_URL over HTTP; tested against
a local stand-in on loopback that speaks the protocol (pyHanko's reference TSA logic), and
signing still works when the TSA cannot be reached."""

import datetime
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
from django.test import override_settings
from pypdf import PdfReader

from xaso.signatures import pki
from xaso.signatures.signing import Appearance
from xaso.signatures.signing import Pkcs12Key
from xaso.signatures.signing import sign_pdf
from xaso.signatures.tests.conftest import PASSPHRASE
from xaso.signatures.verification import verify_pdf_bytes


def _tsa_identity(issuer: pki.IssuedIdentity) -> tuple[bytes, bytes]:
    key = pki.new_rsa_key()
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return pki.der(certificate), pki.key_der(key)


@pytest.fixture
def tsa_url(demo_pki) -> Iterator[str]:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert_der, key_der = _tsa_identity(demo_pki.root)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert_der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
    )
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers["Content-Type"])
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
    # pyHanko asks once to size the signature container, then for the real token.
    assert set(requests) == {"application/timestamp-query"}


def test_signature_carries_a_valid_timestamp(sample_pdf, demo_pki, tsa_url):
    with override_settings(XASO_TSA_URL=tsa_url):
        signed = sign_pdf(
            sample_pdf,
            signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE),
            appearance=Appearance.invisible(),
        )
    report = verify_pdf_bytes(
        signed,
        trust_roots=[pki.der(demo_pki.root.certificate)],
        intermediates=[pki.der(demo_pki.sub.certificate)],
    )
    (signature,) = report.signatures
    assert report.ok
    assert signature.timestamp_time is not None
    stamped = datetime.datetime.fromisoformat(signature.timestamp_time)
    assert abs(stamped - datetime.datetime.now(tz=datetime.UTC)) < datetime.timedelta(minutes=5)


def test_unreachable_tsa_signs_without_timestamp(sample_pdf, demo_pki, caplog):
    # A loopback port nobody listens on: connection refused at once.
    with override_settings(XASO_TSA_URL="http://127.0.0.1:9/tsa", XASO_TSA_TIMEOUT_SECONDS=2):
        signed = sign_pdf(
            sample_pdf,
            signer=Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE),
            appearance=Appearance.invisible(),
        )
    report = verify_pdf_bytes(
        signed,
        trust_roots=[pki.der(demo_pki.root.certificate)],
        intermediates=[pki.der(demo_pki.sub.certificate)],
    )
    assert report.ok
    assert report.signatures[0].timestamp_time is None
    assert "Signing without timestamp" in caplog.text


@pytest.mark.django_db
def test_signing_as_a_user_embeds_validation_data(sample_pdf, demo_pki, chairman, unit_admin):
    from xaso.signatures import services

    services.import_trust_anchor(actor=unit_admin, data=pki.pem(demo_pki.root.certificate))
    services.import_trust_anchor(actor=unit_admin, data=pki.pem(demo_pki.sub.certificate))
    services.register_user_certificate(actor=chairman, data=pki.pem(demo_pki.chairman.certificate))
    key = Pkcs12Key(data=demo_pki.chairman_p12, passphrase=PASSPHRASE)
    with override_settings(XASO_SIGNATURE_FETCH_REVOCATION=True):
        signed = services.sign_pdf_as(
            actor=chairman, pdf_bytes=sample_pdf, signer=key, appearance=Appearance.invisible()
        )
    reader = PdfReader(io.BytesIO(signed))
    dss = reader.trailer["/Root"]["/DSS"].get_object()
    assert len(dss["/Certs"]) >= 2  # the signer's chain, for validation after expiry
    assert services.verify_pdf(signed, unit=chairman.unit).ok
