"""Citizen identity numbers (CCCD, số định danh cá nhân) and the chip-CCCD QR payload (pure).

No ORM, no clock: callers pass `today` where the current date matters.

Structure of the 12 digits (units-and-identity.md §4; ND 137/2015 as amended):

- 1–3: the province (or country) where the birth was registered, by the **63 pre-2025
  province codes**. Numbers never change when provinces merge, so a legacy code of a
  province that no longer exists is valid for ever.
- 4: century and sex (1900s male 0 / female 1, 2000s 2 / 3, 2100s 4 / 5, …).
- 5–6: the last two digits of the birth year.
- 7–12: random. There is **no check digit** in the legal structure.

The prefix for births registered after 01/07/2025 and the range for births abroad are
Unknown (units-and-identity.md §4): such numbers are refused as "unknown prefix" until the
list is extended here.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xaso.core.search import normalize_search_text

MALE = "male"
FEMALE = "female"

# Legacy 3-digit province codes (63 provinces before 01/07/2025), units-and-identity.md §4.
LEGACY_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Digit 4: (first year of the century, sex).
CENTURY_SEX: dict[str, tuple[int, str]] = {
    "0": (1900, MALE),
    "1": (1900, FEMALE),
    "2": (2000, MALE),
    "3": (2000, FEMALE),
    "4": (2100, MALE),
    "5": (2100, FEMALE),
    "6": (2200, MALE),
    "7": (2200, FEMALE),
    "8": (2300, MALE),
    "9": (2300, FEMALE),
}

_SEX_LABELS = {MALE: "nam", FEMALE: "nữ"}
# Separators people and scanners put inside a number ("040 190 000 123", "040.190.000.123").
_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class CccdFacts:
    """What a well-formed CCCD says about its holder."""

    number: str
    province_code: str
    province_name: str
    century: int
    sex: str
    birth_year: int


def normalize_cccd(value: str | None) -> str:
    """The number without spaces, dots or dashes ("" for None)."""
    return _SEPARATORS.sub("", value or "")


def _century_label(century: int) -> str:
    return str(century // 100 + 1)


def cccd_problems(
    value: str | None,
    *,
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    today: datetime.date | None = None,
) -> list[str]:
    """The Vietnamese messages for everything wrong with `value` (empty when valid).

    Checks the format (12 digits), the legacy province prefix, and, when known, that
    digit 4 matches the century of birth and the sex and digits 5–6 the birth year;
    with `today`, that the year the number encodes is not in the future.
    """
    number = normalize_cccd(value)
    if not number:
        return [_("Hãy nhập số định danh cá nhân (CCCD).")]
    if not number.isdigit() or not number.isascii():
        return [_("Số CCCD chỉ gồm chữ số, không có chữ cái hay ký hiệu.")]
    if len(number) != 12:
        return [
            _("Số CCCD phải có đúng 12 chữ số (số đã nhập có %(count)s chữ số).")
            % {"count": len(number)}
        ]
    problems: list[str] = []
    prefix = number[:3]
    if prefix not in LEGACY_PROVINCE_CODES:
        problems.append(
            _(
                "Ba chữ số đầu %(prefix)s không phải mã tỉnh nơi đăng ký khai sinh "
                "(mã của 63 tỉnh, thành phố trước ngày 01/7/2025)."
            )
            % {"prefix": prefix}
        )
    century, coded_sex = CENTURY_SEX[number[3]]
    coded_year = century + int(number[4:6])
    if date_of_birth is not None:
        actual_century = date_of_birth.year // 100 * 100
        if actual_century != century:
            problems.append(
                _(
                    "Chữ số thứ 4 (%(digit)s) ứng với người sinh ở thế kỷ %(coded)s, "
                    "nhưng ngày sinh %(dob)s thuộc thế kỷ %(actual)s."
                )
                % {
                    "digit": number[3],
                    "coded": _century_label(century),
                    "dob": date_of_birth.strftime("%d/%m/%Y"),
                    "actual": _century_label(actual_century),
                }
            )
        elif date_of_birth.year != coded_year:
            problems.append(
                _("Chữ số thứ 5 và 6 (%(digits)s) phải là hai số cuối của năm sinh %(year)s.")
                % {"digits": number[4:6], "year": date_of_birth.year}
            )
    if sex in _SEX_LABELS and sex != coded_sex:
        problems.append(
            _(
                "Chữ số thứ 4 (%(digit)s) ứng với giới tính %(coded)s, không khớp với giới tính %(sex)s."
            )
            % {"digit": number[3], "coded": _SEX_LABELS[coded_sex], "sex": _SEX_LABELS[sex]}
        )
    if today is not None and date_of_birth is None and coded_year > today.year:
        problems.append(
            _("Số CCCD ứng với năm sinh %(year)s, sau năm hiện tại.") % {"year": coded_year}
        )
    return problems


def validate_cccd(
    value: str | None,
    *,
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    today: datetime.date | None = None,
) -> str:
    """Return the normalized number, or raise ValidationError with every problem found."""
    problems = cccd_problems(value, date_of_birth=date_of_birth, sex=sex, today=today)
    if problems:
        raise ValidationError(problems, code="invalid_cccd")
    return normalize_cccd(value)


def cccd_facts(value: str) -> CccdFacts | None:
    """Province, century, sex and birth year a well-formed number encodes (None otherwise)."""
    number = normalize_cccd(value)
    if len(number) != 12 or not number.isdigit() or not number.isascii():
        return None
    century, sex = CENTURY_SEX[number[3]]
    return CccdFacts(
        number=number,
        province_code=number[:3],
        province_name=LEGACY_PROVINCE_CODES.get(number[:3], ""),
        century=century,
        sex=sex,
        birth_year=century + int(number[4:6]),
    )


def validate_old_id_number(value: str | None) -> str:
    """An old CMND number: 9 digits (or 12 for the 2012–2016 cards); "" allowed."""
    number = normalize_cccd(value)
    if number and (not number.isdigit() or not number.isascii() or len(number) not in (9, 12)):
        raise ValidationError(
            _("Số CMND cũ phải gồm 9 hoặc 12 chữ số."), code="invalid_old_id_number"
        )
    return number


# --- Chip-CCCD QR payload -------------------------------------------------------------------


class QrPayloadError(ValueError):
    """The scanned text is not a chip-CCCD QR payload; `message` is for the officer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class QrIdentity:
    """The data read from a chip-CCCD QR, for the officer to check (not proof of identity)."""

    id_number: str
    old_id_number: str = ""
    full_name: str = ""
    date_of_birth: datetime.date | None = None
    sex: str = ""
    address: str = ""
    id_issued_on: datetime.date | None = None
    warnings: list[str] = field(default_factory=list)


# Characters a keyboard-emulating scanner or a copy/paste may add: BOM, zero-width marks,
# control characters (the Enter the scanner sends is stripped by the browser).
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060\x00-\x08\x0b-\x1f\x7f]")
_DATE = re.compile(r"^\d{8}$")


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", text)).split())


def _parse_date(value: str, label: str, warnings: list[str]) -> datetime.date | None:
    if not value:
        return None
    if _DATE.match(value):
        try:
            return datetime.date(int(value[4:]), int(value[2:4]), int(value[:2]))
        except ValueError:
            pass
    warnings.append(
        _("Không đọc được %(label)s “%(value)s” (cần dạng ngàythángnăm, ví dụ 17051990).")
        % {"label": label, "value": value}
    )
    return None


def _parse_sex(value: str, warnings: list[str]) -> str:
    key = normalize_search_text(value)
    if key == "nam":
        return MALE
    if key == "nu":
        return FEMALE
    if value:
        warnings.append(_("Không đọc được giới tính “%(value)s”.") % {"value": value})
    return ""


def _looks_like_old_id(value: str) -> bool:
    return value == "" or (value.isdigit() and len(value) in (9, 12))


def parse_cccd_qr(text: str | None) -> QrIdentity:
    """Parse `số CCCD|số CMND cũ|Họ và tên|ngày sinh|giới tính|nơi thường trú|ngày cấp`.

    Defensive (units-and-identity.md §5, layout unverified): the old-CMND field may be
    empty or missing altogether (6 fields), trailing fields may be missing, extra fields
    are ignored; dates are ddmmyyyy. Fields that cannot be read are left empty with a
    warning. Raises QrPayloadError when the text is not such a payload at all.
    """
    cleaned = _INVISIBLE.sub("", text or "").strip()
    if not cleaned:
        raise QrPayloadError(_("Chưa có dữ liệu: hãy quét mã QR trên thẻ CCCD gắn chip."))
    fields = [_clean(part) for part in cleaned.split("|")]
    id_number = normalize_cccd(fields[0])
    if len(fields) < 3 or not (id_number.isdigit() and id_number.isascii()):
        raise QrPayloadError(
            _(
                "Đây không phải mã QR trên thẻ CCCD gắn chip (cần các trường cách nhau bởi "
                "dấu |, bắt đầu bằng số CCCD). Hãy quét lại hoặc nhập tay."
            )
        )
    rest = fields[1:]
    old_id_number = ""
    # 7-field layout: the second field is the old CMND (9 or 12 digits) or empty. In the
    # 6-field variant it is missing and the name comes second.
    if _looks_like_old_id(rest[0]):
        old_id_number = rest.pop(0)
    rest += [""] * (5 - len(rest))
    full_name, birth, sex, address, issued = rest[:5]
    warnings: list[str] = []
    identity = QrIdentity(
        id_number=id_number,
        old_id_number=old_id_number,
        full_name=full_name,
        date_of_birth=_parse_date(birth, _("ngày sinh"), warnings),
        sex=_parse_sex(sex, warnings),
        address=address,
        id_issued_on=_parse_date(issued, _("ngày cấp"), warnings),
        warnings=warnings,
    )
    if not full_name:
        warnings.append(_("Mã QR không có họ và tên."))
    warnings.extend(
        cccd_problems(identity.id_number, date_of_birth=identity.date_of_birth, sex=identity.sex)
    )
    return identity
