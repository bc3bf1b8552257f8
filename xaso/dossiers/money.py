"""Amounts of money as Vietnamese receipts print them (pure: no ORM, no settings).

`format_amount(1250000)` → "1.250.000"; `amount_in_words(1250000)` →
"Một triệu hai trăm năm mươi nghìn đồng" (the "Số tiền bằng chữ" line of a receipt).

Reading rules (northern standard, as in accounting documents):
- digits are read in groups of three: đơn vị, nghìn, triệu, tỷ; above tỷ the names repeat
  ("một nghìn tỷ"); an all-zero group is skipped;
- a group after a higher non-zero part is read in full: 1.005 → "một nghìn không trăm linh
  năm";
- tens: 10 "mười", 20 "hai mươi"; a zero ten before a unit is "linh" (105 "một trăm linh
  năm");
- units after a ten: 1 → "mốt" from 21 on (11 stays "mười một"), 5 → "lăm" (15 "mười lăm",
  25 "hai mươi lăm"), 4 stays "bốn" (the formal reading; "tư" is colloquial).
"""

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Group names for 10^3, 10^6; 10^9 ("tỷ") is handled by recursion so that the names
# repeat above it (10^12 = "nghìn tỷ", 10^15 = "triệu tỷ").
GROUP_NAMES = ("", "nghìn", "triệu")
BILLION = 1_000_000_000
CURRENCY = "đồng"


def format_amount(amount: int) -> str:
    """Figures with dots between thousands, as Vietnamese documents write them."""
    return f"{amount:,}".replace(",", ".")


def _three_digits(number: int, *, full: bool) -> list[str]:
    """Words of 0 < number < 1000; `full` reads the hundreds and the "linh" even when zero."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 0:
        return words
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    else:
        words.append(DIGITS[units])
    return words


def _below_billion(number: int, *, full: bool) -> list[str]:
    groups = []
    for _name in GROUP_NAMES:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            continue
        words += _three_digits(group, full=full or bool(words))
        if GROUP_NAMES[index]:
            words.append(GROUP_NAMES[index])
    return words


def _words(number: int, *, full: bool = False) -> list[str]:
    billions, rest = divmod(number, BILLION)
    words: list[str] = []
    if billions:
        words += [*_words(billions, full=full), "tỷ"]
    if rest:
        words += _below_billion(rest, full=full or bool(words))
    return words


def number_in_words(number: int) -> str:
    """A whole number ≥ 0 in Vietnamese words, lower case: 21 → "hai mươi mốt"."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError("number_in_words() takes an int")
    if number < 0:
        raise ValueError("number_in_words() takes a number >= 0")
    if number == 0:
        return DIGITS[0]
    return " ".join(_words(number))


def amount_in_words(amount: int) -> str:
    """An amount in đồng, in words, capitalised, with the currency: 0 → "Không đồng"."""
    text = f"{number_in_words(amount)} {CURRENCY}"
    return text[0].upper() + text[1:]
