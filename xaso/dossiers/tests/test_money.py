"""Amounts in Vietnamese words (receipt "Số tiền bằng chữ"): values written out by hand."""

import pytest

from xaso.dossiers.money import amount_in_words
from xaso.dossiers.money import format_amount
from xaso.dossiers.money import number_in_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (19, "mười chín"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (31, "ba mươi mốt"),
        (55, "năm mươi lăm"),
        (99, "chín mươi chín"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (205, "hai trăm linh năm"),
        (999, "chín trăm chín mươi chín"),
        (1_000, "một nghìn"),
        (1_001, "một nghìn không trăm linh một"),
        (1_005, "một nghìn không trăm linh năm"),
        (1_010, "một nghìn không trăm mười"),
        (1_015, "một nghìn không trăm mười lăm"),
        (1_021, "một nghìn không trăm hai mươi mốt"),
        (1_100, "một nghìn một trăm"),
        (2_000, "hai nghìn"),
        (10_000, "mười nghìn"),
        (15_000, "mười lăm nghìn"),
        (20_000, "hai mươi nghìn"),
        (21_000, "hai mươi mốt nghìn"),
        (25_000, "hai mươi lăm nghìn"),
        (50_000, "năm mươi nghìn"),
        (105_000, "một trăm linh năm nghìn"),
        (200_000, "hai trăm nghìn"),
        (400_000, "bốn trăm nghìn"),
        (1_000_000, "một triệu"),
        (1_000_005, "một triệu không trăm linh năm"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        (2_015_300, "hai triệu không trăm mười lăm nghìn ba trăm"),
        (10_000_000, "mười triệu"),
        (
            999_999_999,
            "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
        ),
        (1_000_000_000, "một tỷ"),
        (1_000_000_001, "một tỷ không trăm linh một"),
        (1_500_000_000, "một tỷ năm trăm triệu"),
        (21_000_000_000, "hai mươi mốt tỷ"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (2_000_500_000_000, "hai nghìn tỷ năm trăm triệu"),
    ],
)
def test_number_in_words(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (2_000, "Hai nghìn đồng"),
        (10_000, "Mười nghìn đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    ],
)
def test_amount_in_words_is_capitalised_with_currency(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "figures"),
    [
        (0, "0"),
        (500, "500"),
        (10_000, "10.000"),
        (1_250_000, "1.250.000"),
        (10**9, "1.000.000.000"),
    ],
)
def test_format_amount_uses_dots(amount, figures):
    assert format_amount(amount) == figures


@pytest.mark.parametrize("bad", [-1, 1.5, "100", True])
def test_rejects_negative_and_non_integers(bad):
    with pytest.raises((TypeError, ValueError)):
        number_in_words(bad)
