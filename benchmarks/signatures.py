"""`make bench`: signing and verification time per document (median, p95), with a PKCS#12
file and with a SoftHSM2 token (PKCS#11), offline (no TSA, no revocation fetching).

    python benchmarks/signatures.py [--runs 30]
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(label: str, func: Callable[[], object], runs: int) -> object:
    samples = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(f"{label:<55} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   n={runs}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    scratch = Path(tempfile.mkdtemp(prefix="xaso-bench-signatures-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["XASO_TSA_URL"] = ""
    os.environ["XASO_SIGNATURE_FETCH_REVOCATION"] = "false"
    import django

    django.setup()
    from xaso.core.pdf import render_pdf
    from xaso.signatures import pki
    from xaso.signatures import softhsm
    from xaso.signatures.signing import Appearance
    from xaso.signatures.signing import Pkcs12Key
    from xaso.signatures.signing import TokenKey
    from xaso.signatures.signing import sign_pdf
    from xaso.signatures.verification import verify_pdf_bytes

    root = pki.create_ca(common_name="Bench Root CA")
    person = pki.issue_identity(issuer=root, common_name="Người ký")
    organisation = pki.issue_identity(issuer=root, common_name="UBND xã")
    passphrase = secrets.token_urlsafe(9)
    person_key = Pkcs12Key(
        data=pki.pkcs12_bytes(person, passphrase=passphrase, chain=[root.certificate]),
        passphrase=passphrase,
    )
    organisation_key = Pkcs12Key(
        data=pki.pkcs12_bytes(organisation, passphrase=passphrase, chain=[root.certificate]),
        passphrase=passphrase,
    )
    document = render_pdf("signatures/sample_document.html", {})
    box = (330.0, 120.0, 480.0, 180.0)
    anchors = {"trust_roots": [pki.der(root.certificate)]}

    print(f"XãSố signature benchmarks — document {len(document) / 1024:.0f} KB, RSA 2048, SHA-256")
    signed = measure(
        "sign, PKCS#12, signer (blue image)",
        lambda: sign_pdf(document, signer=person_key, appearance=Appearance.signer(box=box)),
        runs,
    )
    both = measure(
        "sign, PKCS#12, organisation (red seal) after signer",
        lambda: sign_pdf(
            signed,  # type: ignore[arg-type]
            signer=organisation_key,
            appearance=Appearance.organisation(signer_box=box),
        ),
        runs,
    )
    measure(
        "sign, PKCS#12, attachment (number + ISO time text)",
        lambda: sign_pdf(
            document,
            signer=organisation_key,
            appearance=Appearance.attachment(document_number="Số: 12/UBND-VP"),
        ),
        runs,
    )
    if softhsm.available():
        conf = softhsm.write_config(scratch / "softhsm")
        os.environ["SOFTHSM2_CONF"] = str(conf)
        pin = f"{secrets.randbelow(10**6):06d}"
        softhsm.provision_token(
            conf=conf,
            token_label="bench",  # noqa: S106  (a label, not a secret)
            pin=pin,
            so_pin=secrets.token_hex(8),
            issuer=root,
            common_name="Người ký (token)",
        )
        token = TokenKey(token_label="bench", pin=pin)  # noqa: S106
        measure(
            "sign, PKCS#11 SoftHSM2, signer (session + login each)",
            lambda: sign_pdf(document, signer=token, appearance=Appearance.signer(box=box)),
            runs,
        )
    else:
        print("sign, PKCS#11 SoftHSM2: skipped (softhsm2/opensc not installed)")
    report = measure(
        "verify, 1 signature (integrity, diff, chain)",
        lambda: verify_pdf_bytes(signed, **anchors),  # type: ignore[arg-type]
        runs,
    )
    assert report.ok  # type: ignore[attr-defined]  # noqa: S101
    report = measure(
        "verify, 2 signatures (signer + organisation)",
        lambda: verify_pdf_bytes(both, **anchors),  # type: ignore[arg-type]
        runs,
    )
    assert report.ok  # type: ignore[attr-defined]  # noqa: S101


if __name__ == "__main__":
    main()
