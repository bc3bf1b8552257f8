"""CCCD validation and the chip-CCCD QR parser (pure: no database)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from xaso.applicants import cccd
from xaso.applicants.cccd import QrPayloadError
from xaso.applicants.cccd import cccd_facts
from xaso.applicants.cccd import cccd_problems
from xaso.applicants.cccd import parse_cccd_qr
from xaso.applicants.cccd import validate_cccd


@pytest.mark.parametrize(
    ("number", "dob", "sex"),
    [
        ("040190001234", datetime.date(1990, 5, 17), "female"),  # Nghệ An, 1900s female
        ("001085012345", datetime.date(1985, 1, 2), "male"),  # Hà Nội, 1900s male
        ("079303000001", datetime.date(2003, 12, 31), "female"),  # HCM, 2000s female
        ("038200123456", datetime.date(2000, 6, 1), "male"),  # 2000s male, born 2000
        # Provinces merged in 2025 keep their codes for ever: 002 Hà Giang, 049 Quảng Nam.
        ("002199654321", datetime.date(1999, 3, 3), "female"),
        ("049072000777", datetime.date(1972, 7, 7), "male"),
        ("040 190 001 234", None, ""),  # typed with spaces
    ],
)
def test_accepts_valid_numbers(number, dob, sex):
    assert cccd_problems(number, date_of_birth=dob, sex=sex) == []
    assert validate_cccd(number, date_of_birth=dob, sex=sex) == number.replace(" ", "")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("04019000123", "Số CCCD phải có đúng 12 chữ số (số đã nhập có 11 chữ số)."),
        ("0401900012345", "Số CCCD phải có đúng 12 chữ số (số đã nhập có 13 chữ số)."),
        ("04019000123A", "Số CCCD chỉ gồm chữ số, không có chữ cái hay ký hiệu."),
        ("O40190001234", "Số CCCD chỉ gồm chữ số, không có chữ cái hay ký hiệu."),
        ("０４０１９０００１２３４", "Số CCCD chỉ gồm chữ số, không có chữ cái hay ký hiệu."),
        ("", "Hãy nhập số định danh cá nhân (CCCD)."),
    ],
)
def test_refuses_bad_format(number, message):
    assert cccd_problems(number) == [message]
    with pytest.raises(ValidationError) as error:
        validate_cccd(number)
    assert error.value.messages == [message]


@pytest.mark.parametrize("prefix", ["003", "099", "100", "047", "000"])
def test_refuses_unknown_province_prefix(prefix):
    assert cccd_problems(f"{prefix}190001234") == [
        (
            f"Ba chữ số đầu {prefix} không phải mã tỉnh nơi đăng ký khai sinh "
            "(mã của 63 tỉnh, thành phố trước ngày 01/7/2025)."
        )
    ]


def test_century_digit_must_match_the_date_of_birth():
    # Digit 4 = 2 says born in the 2000s (21st century), but the date says 1990.
    assert cccd_problems("040290001234", date_of_birth=datetime.date(1990, 5, 17)) == [
        (
            "Chữ số thứ 4 (2) ứng với người sinh ở thế kỷ 21, nhưng ngày sinh 17/05/1990 "
            "thuộc thế kỷ 20."
        )
    ]


def test_year_digits_must_match_the_date_of_birth():
    assert cccd_problems("040191001234", date_of_birth=datetime.date(1990, 5, 17)) == [
        "Chữ số thứ 5 và 6 (91) phải là hai số cuối của năm sinh 1990."
    ]


def test_sex_digit_must_match_the_sex():
    # 0 = male born in the 1900s.
    assert cccd_problems("040090001234", date_of_birth=datetime.date(1990, 1, 1), sex="female") == [
        "Chữ số thứ 4 (0) ứng với giới tính nam, không khớp với giới tính nữ."
    ]


def test_several_problems_are_reported_together():
    problems = cccd_problems("003290001234", date_of_birth=datetime.date(1990, 1, 1), sex="female")

    assert len(problems) == 3
    assert problems[0].startswith("Ba chữ số đầu 003")


def test_birth_year_in_the_future_is_refused_when_today_is_known():
    assert cccd_problems("040299001234", today=datetime.date(2026, 11, 22)) == [
        "Số CCCD ứng với năm sinh 2099, sau năm hiện tại."
    ]
    assert cccd_problems("040299001234") == []


def test_facts_read_from_a_number():
    facts = cccd_facts("040190001234")

    assert facts is not None
    assert (facts.province_code, facts.province_name, facts.century, facts.sex) == (
        "040",
        "Nghệ An",
        1900,
        "female",
    )
    assert facts.birth_year == 1990
    assert cccd_facts("12345") is None


def test_all_63_legacy_province_codes_are_known():
    assert len(cccd.LEGACY_PROVINCE_CODES) == 63
    assert all(code.startswith("0") and len(code) == 3 for code in cccd.LEGACY_PROVINCE_CODES)


# --- QR payload ---------------------------------------------------------------------------

REAL_LOOKING = (
    "040190001234|186123456|Nguyễn Thị An|17051990|Nữ|"
    "Bản Hạnh Tiến, Xã Quỳ Châu, Tỉnh Nghệ An|20042021"
)


def test_parses_a_real_looking_payload():
    identity = parse_cccd_qr(REAL_LOOKING)

    assert identity.id_number == "040190001234"
    assert identity.old_id_number == "186123456"
    assert identity.full_name == "Nguyễn Thị An"
    assert identity.date_of_birth == datetime.date(1990, 5, 17)
    assert identity.sex == "female"
    assert identity.address == "Bản Hạnh Tiến, Xã Quỳ Châu, Tỉnh Nghệ An"
    assert identity.id_issued_on == datetime.date(2021, 4, 20)
    assert identity.warnings == []


def test_parses_an_empty_old_id_field():
    identity = parse_cccd_qr(
        "001085012345||Trần Văn Bình|02011985|Nam|Số 1 Tràng Tiền, Hà Nội|10072022"
    )

    assert identity.old_id_number == ""
    assert identity.full_name == "Trần Văn Bình"
    assert identity.date_of_birth == datetime.date(1985, 1, 2)
    assert identity.sex == "male"
    assert identity.id_issued_on == datetime.date(2022, 7, 10)
    assert identity.warnings == []


def test_parses_six_fields_without_the_old_id_field():
    identity = parse_cccd_qr("001085012345|Trần Văn Bình|02011985|Nam|Số 1 Tràng Tiền|10072022")

    assert identity.old_id_number == ""
    assert identity.full_name == "Trần Văn Bình"
    assert identity.date_of_birth == datetime.date(1985, 1, 2)
    assert identity.sex == "male"
    assert identity.address == "Số 1 Tràng Tiền"
    assert identity.id_issued_on == datetime.date(2022, 7, 10)


def test_tolerates_scanner_noise_decomposed_text_and_extra_fields():
    decomposed = "Nguye\u0302\u0303n Thi\u0323 An"  # NFD, as some scanners send it
    text = f"\ufeff 040190001234|186123456|{decomposed}|17051990|NỮ|Quỳ Châu|20042021|x|y\r\n"

    identity = parse_cccd_qr(text)

    assert identity.full_name == "Nguyễn Thị An"
    assert identity.sex == "female"
    assert identity.id_issued_on == datetime.date(2021, 4, 20)


def test_missing_trailing_fields_and_bad_dates_give_warnings():
    identity = parse_cccd_qr("040190001234||Nguyễn Thị An|31021990")

    assert identity.full_name == "Nguyễn Thị An"
    assert identity.date_of_birth is None
    assert identity.address == ""
    assert identity.warnings == [
        "Không đọc được ngày sinh “31021990” (cần dạng ngàythángnăm, ví dụ 17051990)."
    ]


def test_inconsistent_number_in_the_qr_is_reported_not_refused():
    identity = parse_cccd_qr("040090001234||Nguyễn Thị An|17051990|Nữ|Quỳ Châu|20042021")

    assert identity.id_number == "040090001234"
    assert identity.warnings == [
        "Chữ số thứ 4 (0) ứng với giới tính nam, không khớp với giới tính nữ."
    ]


@pytest.mark.parametrize(
    "garbage",
    [
        "hello world",
        "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        "Nguyễn Thị An|040190001234|17051990",
        "040190001234",
        "||||||",
    ],
)
def test_refuses_garbage(garbage):
    with pytest.raises(QrPayloadError) as error:
        parse_cccd_qr(garbage)

    assert error.value.message.startswith("Đây không phải mã QR trên thẻ CCCD gắn chip")


@pytest.mark.parametrize("empty", ["", "   ", None, "\ufeff"])
def test_empty_scan_asks_to_scan(empty):
    with pytest.raises(QrPayloadError) as error:
        parse_cccd_qr(empty)

    assert error.value.message == "Chưa có dữ liệu: hãy quét mã QR trên thẻ CCCD gắn chip."
