"""PAdES signing with pyHanko: keys in a PKCS#12 file or on a PKCS#11 token, and the visible
appearance of ND 30/2020 Phụ lục I.

Only this module and verification.py import pyHanko; other apps call
`xaso.signatures.services.sign_pdf` / `verify_pdf` (docs/architecture.md).

With a token the private key never leaves it: pyHanko sends the document digest to the
token over PKCS#11 and gets the signature back. PINs and passphrases are never logged.
"""

import contextlib
import datetime
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xaso.core.exceptions import DomainError
from xaso.signatures import images

logger = logging.getLogger(__name__)
# pyHanko's layout engine warns about sub-point rounding (102.00000000000001 > 102) on every
# image scaled into its box.
logging.getLogger("pyhanko.pdf_utils.layout").setLevel(logging.ERROR)

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
POINTS_PER_MM = 72 / 25.4
# Liberation Serif 2 (Debian fonts-liberation2) has the metrics of Times New Roman (ND 30
# PL I asks for TNR 10 pt) and the Vietnamese letters; TNR itself is not free to ship.
# DejaVu Serif is the fallback (the older Liberation 1 lacks Vietnamese letters).
TEXT_FONT_PATHS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
ATTACHMENT_TEXT_SIZE = 10
ATTACHMENT_BOX_WIDTH = 250.0
ATTACHMENT_LINE_HEIGHT = 15.0
PAGE_MARGIN = 20.0


class SigningError(DomainError):
    code = "signing_failed"


class Kind:
    SIGNER = "signer"  # người có thẩm quyền (ND 30 PL I, ô 7c)
    ORGANISATION = "organisation"  # cơ quan, tổ chức (ô 8, dấu đỏ)
    ATTACHMENT = "attachment"  # phụ lục/tệp đính kèm riêng (8.b, góc trên phải trang 1)
    COPY = "copy"  # bản sao điện tử (ô 14, góc trên phải trang 1): SAO Y / SAO LỤC / TRÍCH SAO
    INVISIBLE = "invisible"


@dataclass(frozen=True)
class Pkcs12Key:
    """A .p12/.pfx file's bytes and its passphrase (kept out of repr and logs)."""

    data: bytes = field(repr=False)
    passphrase: str = field(repr=False)


@dataclass(frozen=True)
class TokenKey:
    """A key on a PKCS#11 token (USB token of a CA, or SoftHSM in tests).

    `key_label` may be empty: the token's only private key is used, as on an official's
    token that holds one key.
    """

    token_label: str
    pin: str = field(repr=False)
    key_label: str = ""
    lib_path: str = ""


SignerKey = Pkcs12Key | TokenKey
TEXT_KINDS = (Kind.ATTACHMENT, Kind.COPY)


@dataclass(frozen=True)
class Appearance:
    """Where and how the signature shows on the page (ND 30/2020 Phụ lục I).

    `box` is (x1, y1, x2, y2) in PDF points from the bottom-left of page `page` (0-based;
    -1 = the last page, where box 7c usually is).
    """

    kind: str
    page: int = 0
    box: tuple[float, float, float, float] | None = None
    image_png: bytes | None = field(default=None, repr=False)
    # Text kinds (attachment, copy): the lines shown above the ISO 8601 signing time.
    text_lines: tuple[str, ...] = ()

    @classmethod
    def signer(
        cls,
        *,
        box: tuple[float, float, float, float],
        page: int = -1,
        image_png: bytes | None = None,
    ) -> "Appearance":
        """The competent person's signature: blue transparent image in box 7c, no text."""
        return cls(kind=Kind.SIGNER, page=page, box=box, image_png=image_png)

    @classmethod
    def organisation(
        cls,
        *,
        signer_box: tuple[float, float, float, float],
        page: int = -1,
        seal_png: bytes | None = None,
        seal_diameter_mm: float | None = None,
    ) -> "Appearance":
        """The organisation's signature: red seal at real size over the left third of the
        signer's image (ND 30 PL I, ô 8), vertically centred on it."""
        diameter = (seal_diameter_mm or settings.XASO_SEAL_DIAMETER_MM) * POINTS_PER_MM
        x1, y1, x2, y2 = signer_box
        right = x1 + (x2 - x1) / 3
        middle = (y1 + y2) / 2
        box = (right - diameter, middle - diameter / 2, right, middle + diameter / 2)
        return cls(kind=Kind.ORGANISATION, page=page, box=box, image_png=seal_png)

    @classmethod
    def attachment(cls, *, document_number: str) -> "Appearance":
        """A separate attachment: top-right of page 1, number and ISO 8601 time, no image."""
        return cls(kind=Kind.ATTACHMENT, page=0, text_lines=(document_number,))

    @classmethod
    def copy(cls, *, copy_form: str, organisation: str) -> "Appearance":
        """An electronic copy signed by the organisation (ND 30 PL I, ô 14): "SAO Y",
        "SAO LỤC" or "TRÍCH SAO", the copying organisation and the time, top-right of page 1,
        no image."""
        return cls(kind=Kind.COPY, page=0, text_lines=(copy_form, organisation))

    @classmethod
    def invisible(cls) -> "Appearance":
        return cls(kind=Kind.INVISIBLE)


def signing_time_text(moment: datetime.datetime) -> str:
    """ISO 8601 with the Vietnam offset, e.g. 2026-12-03T09:15:30+07:00."""
    return moment.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")


def _pyhanko_signer_class() -> Any:
    from pyhanko.sign import signers

    class VietnamTimePdfSigner(signers.PdfSigner):
        """pyHanko takes the signing time from the machine's zone; ND 30 wants Vietnam's,
        and the visible text must show exactly the time written in the signature."""

        system_time: datetime.datetime

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = self.system_time
            return session

    return VietnamTimePdfSigner


@dataclass(frozen=True)
class TokenObjects:
    """An open, logged-in session on a token and how to find the key on it: by `key_id`
    (the token's only private key) or by `key_label` (chosen by the user)."""

    session: Any
    key_id: bytes | None
    key_label: str


@contextlib.contextmanager
def open_token_session(key: TokenKey) -> Iterator[TokenObjects]:
    """Log in to the token of `key` with its PIN; SigningError (Vietnamese) when the
    library, the token or the PIN is refused, or the key to use is ambiguous."""
    import pkcs11
    from pkcs11 import exceptions as p11_errors
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as hanko_p11

    lib_path = key.lib_path or settings.XASO_PKCS11_LIB
    unavailable = SigningError(
        _("Không mở được thư viện PKCS#11 của thiết bị ký số (%(path)s).") % {"path": lib_path},
        code="pkcs11_unavailable",
    )
    if not Path(lib_path).is_file():
        raise unavailable
    prepare_softhsm_environment(lib_path)
    try:
        session = hanko_p11.open_pkcs11_session(
            lib_path, token_criteria=TokenCriteria(label=key.token_label), user_pin=key.pin
        )
    except (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange) as error:
        raise SigningError(
            _("Mã PIN của thiết bị ký số không đúng. Hãy nhập lại."), code="wrong_pin"
        ) from error
    except p11_errors.PinLocked as error:
        raise SigningError(
            _("Thiết bị ký số đã bị khóa do nhập sai PIN nhiều lần. Hãy liên hệ tổ chức cấp."),
            code="pin_locked",
        ) from error
    except hanko_p11.PKCS11Error as error:
        raise SigningError(
            _("Không tìm thấy thiết bị ký số “%(label)s”. Hãy cắm thiết bị và thử lại.")
            % {"label": key.token_label},
            code="token_not_found",
        ) from error
    except (OSError, RuntimeError) as error:
        logger.warning("PKCS#11 library %s could not be used: %s", lib_path, type(error).__name__)
        raise unavailable from error
    try:
        key_id = None
        if not key.key_label:
            private_keys = list(
                session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY})
            )
            if len(private_keys) != 1:
                raise SigningError(
                    ngettext(
                        "Thiết bị ký số có %(count)s khóa; hãy chọn nhãn khóa cần dùng.",
                        "Thiết bị ký số có %(count)s khóa; hãy chọn nhãn khóa cần dùng.",
                        len(private_keys),
                    )
                    % {"count": len(private_keys)},
                    code="key_ambiguous",
                )
            key_id = private_keys[0][pkcs11.Attribute.ID]
        yield TokenObjects(session=session, key_id=key_id, key_label=key.key_label)
    finally:
        session.close()


def key_not_found(key_label: str) -> SigningError:
    return SigningError(
        _("Trên thiết bị ký số không có khóa và chứng thư “%(label)s”.")
        % {"label": key_label or "?"},
        code="key_not_found",
    )


@contextlib.contextmanager
def _pkcs11_signer(key: TokenKey) -> Iterator[Any]:
    from pkcs11 import exceptions as p11_errors
    from pyhanko.sign import pkcs11 as hanko_p11

    with open_token_session(key) as token:
        try:
            if token.key_id is not None:
                signer = hanko_p11.PKCS11Signer(
                    token.session, key_id=token.key_id, cert_id=token.key_id
                )
            else:
                signer = hanko_p11.PKCS11Signer(
                    token.session, key_label=token.key_label, cert_label=token.key_label
                )
            # Fails here, not halfway through signing, when the certificate is missing.
            signer.signing_cert  # noqa: B018
        except (hanko_p11.PKCS11Error, p11_errors.PKCS11Error) as error:
            raise key_not_found(token.key_label) from error
        yield signer


def prepare_softhsm_environment(lib_path: str) -> None:
    """SoftHSM finds its tokens through SOFTHSM2_CONF; point it at the configured file
    (development and tests) unless the environment already does."""
    import os

    if "softhsm" not in lib_path or os.environ.get("SOFTHSM2_CONF"):
        return
    conf = settings.XASO_SOFTHSM2_CONF
    if conf and os.path.exists(conf):  # noqa: PTH110
        os.environ["SOFTHSM2_CONF"] = str(conf)


def visible_token_labels(lib_path: str = "") -> list[str]:
    """Labels of the tokens the PKCS#11 library sees now (plugged in), for the signing
    forms to offer: officials rarely know their token's label. A hint only, so any
    failure of the library gives an empty list and the label can still be typed."""
    lib_path = lib_path or settings.XASO_PKCS11_LIB
    if not Path(lib_path).is_file():
        return []
    prepare_softhsm_environment(lib_path)
    try:
        import pkcs11

        # No reinitialize(): it would close the sessions of a signature being made
        # in another thread; C_GetSlotList already reports tokens plugged in since.
        library = pkcs11.lib(lib_path)
        labels = {slot.get_token().label for slot in library.get_slots(token_present=True)}
    except Exception as error:  # noqa: BLE001  (vendor libraries raise anything)
        logger.info("PKCS#11 tokens could not be listed: %s", type(error).__name__)
        return []
    return sorted(label.strip() for label in labels if label and label.strip())


@contextlib.contextmanager
def _pkcs12_signer(key: Pkcs12Key) -> Iterator[Any]:
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            key.data, other_certs=[], passphrase=key.passphrase.encode() or None
        )
    except ValueError as error:
        raise SigningError(
            _(
                "Không mở được tệp khóa PKCS#12: sai mật khẩu hoặc tệp không phải "
                "tệp .p12/.pfx hợp lệ."
            ),
            code="wrong_passphrase",
        ) from error
    yield signer


def open_signer(key: SignerKey) -> contextlib.AbstractContextManager[Any]:
    if isinstance(key, TokenKey):
        return _pkcs11_signer(key)
    return _pkcs12_signer(key)


def signer_certificate_der(pyhanko_signer: Any) -> bytes:
    return pyhanko_signer.signing_cert.dump()


def _page_count_and_box(writer: Any, page: int) -> tuple[int, tuple[float, float, float, float]]:
    pages = writer.root["/Pages"]
    count = int(pages["/Count"])
    index = count - 1 if page < 0 else page
    if index >= count:
        raise SigningError(
            ngettext(
                "Văn bản chỉ có %(count)s trang; không đặt được chữ ký ở trang %(page)s.",
                "Văn bản chỉ có %(count)s trang; không đặt được chữ ký ở trang %(page)s.",
                count,
            )
            % {"count": count, "page": index + 1},
            code="bad_page",
        )
    node = writer.find_page_for_modification(index)[0].get_object()
    # The media box may be inherited from a parent /Pages node (ISO 32000-1, 7.7.3.4).
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"]
    mediabox = [float(value) for value in node.get("/MediaBox", [0, 0, 595, 842])]
    return index, (mediabox[0], mediabox[1], mediabox[2], mediabox[3])


def _text_font_path() -> str:
    import os

    for path in TEXT_FONT_PATHS:
        if os.path.exists(path):  # noqa: PTH110
            return path
    raise SigningError(_("Máy chủ thiếu phông chữ để in chữ ký trên phụ lục."), code="no_font")


def _font_factory(path: str, size: int) -> Any:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    # fontTools reports every subsetted table at INFO level.
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    class ScaledGlyphAccumulator(GlyphAccumulator):
        """pyHanko 0.38 writes TrueType advances (/W and TJ adjustments) in font units, but
        PDF reads them as thousandths of an em: with 2048-unit fonts every letter was spaced
        twice too far. Shaping at 1000 units per em makes all of them agree."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.font_units_per_em = self.units_per_em
            self.hb_font.scale = (1000, 1000)
            self.units_per_em = 1000

        def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
            if glyph_id in self._glyphs:
                return self._glyphs[glyph_id]
            cid, width = super()._get_cid_and_width(glyph_id)
            scaled = round(width * 1000 / self.font_units_per_em)
            self._glyphs[glyph_id] = (cid, scaled)
            return cid, scaled

    class ScaledFactory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            # In memory: fontTools reads the tables lazily, after this call returns.
            with open(self.font_file, "rb") as handle:  # noqa: PTH123
                font_handle = io.BytesIO(handle.read())
            return ScaledGlyphAccumulator(
                writer=writer,
                font_handle=font_handle,
                font_size=self.font_size,
                obj_stream=obj_stream,
            )

    return ScaledFactory(path, font_size=size)


def _stamp_style(appearance: Appearance, signer_name: str) -> Any:
    from PIL import Image
    from pyhanko.pdf_utils import images as hanko_images
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils import text
    from pyhanko.stamp import StaticStampStyle
    from pyhanko.stamp import TextStampStyle

    if appearance.kind in TEXT_KINDS:
        lines = [f"%(line{index})s" for index in range(len(appearance.text_lines))]
        return TextStampStyle(
            stamp_text="\n".join([*lines, "%(signed_at)s"]),
            text_box_style=text.TextBoxStyle(
                font=_font_factory(_text_font_path(), ATTACHMENT_TEXT_SIZE),
                font_size=ATTACHMENT_TEXT_SIZE,
                text_color=(0, 0, 0),
            ),
            border_width=0,
            background=None,
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MAX,
                y_align=layout.AxisAlignment.ALIGN_MAX,
                margins=layout.Margins.uniform(0),
                inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
        )
    if appearance.kind == Kind.SIGNER:
        png = appearance.image_png or images.signature_png(signer_name)
    else:
        png = appearance.image_png or images.seal_png()
    image = Image.open(io.BytesIO(png))
    image.load()
    return StaticStampStyle(
        background=hanko_images.PdfImage(image),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _empty_field(writer: Any, kind: str) -> str | None:
    """An unsigned signature field prepared for `kind` (e.g. the organisation's, placed
    before a certification signature: see fields.py)."""
    from pyhanko.sign import fields

    for name, value, _ref in fields.enumerate_sig_fields(writer):
        if value is None and str(name).startswith(f"{kind}-"):
            return str(name)
    return None


def _field_name(writer: Any, kind: str) -> str:
    from pyhanko.sign import fields

    existing = {name for name, _value, _ref in fields.enumerate_sig_fields(writer)}
    number = 1
    while f"{kind}-{number}" in existing:
        number += 1
    return f"{kind}-{number}"


def _open_writer(pdf_bytes: bytes) -> Any:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError

    if not pdf_bytes.lstrip()[:5].startswith(b"%PDF-"):
        raise SigningError(_("Tệp cần ký không phải là tệp PDF."), code="bad_pdf")
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise SigningError(
            _("Tệp PDF bị hỏng hoặc không đọc được, không ký được."), code="bad_pdf"
        ) from error


def sign_with(
    pyhanko_signer: Any,
    pdf_bytes: bytes,
    *,
    appearance: Appearance,
    reason: str = "",
    location: str = "",
    tsa_url: str | None = None,
    ltv_anchors: tuple[list[bytes], list[bytes]] | None = None,
    certify_form_filling: bool = False,
) -> bytes:
    """Add one PAdES signature (an incremental update) to `pdf_bytes`.

    `certify_form_filling`: a certification signature (DocMDP P=2) that allows only form
    filling and further signatures afterwards: the signer's, before the văn thư fills in
    the number and date and adds the organisation's signature (fields.py).

    With a TSA (XASO_TSA_URL) the signature gets an RFC 3161 timestamp; with `ltv_anchors`
    (roots, intermediates) and revocation fetching on, the chain and any OCSP/CRL answers are
    embedded for long-term validation (PAdES B-LT). Each is dropped, in that order, when it
    cannot be had (offline): the signature itself is always made.
    """
    from pyhanko.sign import fields
    from pyhanko.sign import signers
    from pyhanko.sign.general import SigningError as HankoSigningError
    from pyhanko.sign.timestamps import HTTPTimeStamper

    writer = _open_writer(pdf_bytes)
    now = datetime.datetime.now(tz=VIETNAM_TZ).replace(microsecond=0)
    prepared = _empty_field(writer, appearance.kind)
    name = prepared or _field_name(writer, appearance.kind)
    signer_name = pyhanko_signer.subject_name or ""
    field_spec = None
    style = None
    text_params: dict[str, str] = {}
    if prepared is not None:
        style = _stamp_style(appearance, signer_name)
    elif appearance.kind != Kind.INVISIBLE:
        page, (_mx1, _my1, mx2, my2) = _page_count_and_box(writer, appearance.page)
        box = appearance.box
        if appearance.kind in TEXT_KINDS:
            height = ATTACHMENT_LINE_HEIGHT * (len(appearance.text_lines) + 1)
            box = (
                mx2 - PAGE_MARGIN - ATTACHMENT_BOX_WIDTH,
                my2 - PAGE_MARGIN - height,
                mx2 - PAGE_MARGIN,
                my2 - PAGE_MARGIN,
            )
            text_params = {f"line{index}": line for index, line in enumerate(appearance.text_lines)}
            text_params["signed_at"] = signing_time_text(now)
        if box is None:
            raise SigningError(_("Chưa chọn vị trí chữ ký trên trang."), code="bad_box")
        field_spec = fields.SigFieldSpec(
            sig_field_name=name, on_page=page, box=tuple(round(v) for v in box)
        )
        style = _stamp_style(appearance, signer_name)
    tsa_url = settings.XASO_TSA_URL if tsa_url is None else tsa_url

    def attempt(timestamper: Any, ltv: bool) -> bytes:
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.fields import MDPPerm
        from pyhanko_certvalidator import ValidationContext

        context = None
        if ltv:
            roots, intermediates = ltv_anchors or ([], [])
            context = ValidationContext(
                trust_roots=[asn1_x509.Certificate.load(der) for der in roots],
                other_certs=[asn1_x509.Certificate.load(der) for der in intermediates],
                allow_fetching=True,
                revocation_mode="soft-fail",
            )
        meta = signers.PdfSignatureMetadata(
            field_name=name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None,
            location=location or None,
            embed_validation_info=ltv,
            validation_context=context,
            certify=certify_form_filling,
            docmdp_permissions=MDPPerm.FILL_FORMS,
        )
        pdf_signer = _pyhanko_signer_class()(
            meta,
            signer=pyhanko_signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=field_spec,
        )
        pdf_signer.system_time = now
        output = pdf_signer.sign_pdf(
            _open_writer(pdf_bytes), appearance_text_params=text_params or None
        )
        return output.getvalue()

    timestamper = (
        HTTPTimeStamper(tsa_url, timeout=settings.XASO_TSA_TIMEOUT_SECONDS) if tsa_url else None
    )
    ltv = bool(ltv_anchors and ltv_anchors[0]) and settings.XASO_SIGNATURE_FETCH_REVOCATION
    optional = []
    if timestamper is not None and ltv:
        optional.append((timestamper, True))
    if timestamper is not None:
        optional.append((timestamper, False))
    elif ltv:
        optional.append((None, True))
    for stamper, with_ltv in optional:
        try:
            return attempt(stamper, with_ltv)
        except Exception as error:  # noqa: BLE001
            # Offline, TSA down, no path to the anchors: sign with less rather than not at
            # all; the signing time then comes from the signer's clock.
            logger.warning(
                "Signing without %s: %s",
                "timestamp" if stamper is not None and not with_ltv else "LTV data",
                error,
            )
    try:
        return attempt(None, False)
    except HankoSigningError as error:
        raise SigningError(
            _("Không ký được văn bản: %(reason)s") % {"reason": str(error)[:200]}
        ) from error


def sign_pdf(
    pdf_bytes: bytes,
    *,
    signer: SignerKey,
    appearance: Appearance,
    reason: str = "",
    location: str = "",
    allowed_certificates: set[bytes] | None = None,
    ltv_anchors: tuple[list[bytes], list[bytes]] | None = None,
    certify_form_filling: bool = False,
) -> bytes:
    """Sign `pdf_bytes` with `signer` (file or token); returns the signed PDF.

    `allowed_certificates`: DER certificates the acting user registered; signing with any
    other key is refused (a user signs only with their own certificate).
    """
    with open_signer(signer) as pyhanko_signer:
        if allowed_certificates is not None:
            certificate = signer_certificate_der(pyhanko_signer)
            if certificate not in allowed_certificates:
                raise SigningError(
                    _(
                        "Chứng thư số trong khóa ký không khớp với chứng thư đã đăng ký cho "
                        "tài khoản của bạn. Hãy đăng ký chứng thư này trước khi ký."
                    ),
                    code="certificate_mismatch",
                )
        return sign_with(
            pyhanko_signer,
            pdf_bytes,
            appearance=appearance,
            reason=reason,
            location=location,
            ltv_anchors=ltv_anchors,
            certify_form_filling=certify_form_filling,
        )
