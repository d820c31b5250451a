"""The 12-digit personal ID (mã định danh cá nhân, the CCCD number): reading it from cells, checking it, showing it.

Layout (Decree 137/2015/NĐ-CP, codes from Circular 07/2016/TT-BCA): digits 1–3 the province where the birth was
registered, digit 4 gender and century of birth, digits 5–6 the last two digits of the birth year, 7–12 a serial.
An ID whose parts disagree with the recorded gender or birth date is invalid (SPEC §3.1), so every error names
the part that disagrees and what it should be.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from edudx.core.imports.values import CellError

Part = Literal["format", "province", "gender", "century", "year"]

ID_LENGTH = 12
FIRST_CENTURY = 1900
LAST_YEAR = 2399

# The 63 pre-2025 provinces. The 2025 merger into 34 provinces did not renumber anyone: IDs already issued keep the
# code of the province as it was when the birth was registered, so this table stays the one to check against.
PROVINCE_CODES: dict[str, str] = {
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
    "077": "Bà Rịa – Vũng Tàu",
    "079": "Hồ Chí Minh",
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

GENDER_LABELS = {"M": "Nam", "F": "Nữ"}

# Separators people type or spreadsheets add: spaces (incl. non-breaking), dots, dashes, underscores, and the
# zero-width characters that come along when an ID is copied from a web page or a PDF.
_SEPARATORS = re.compile(r"[\s.\-_\u2010-\u2015\u200b\u200c\u200d\u2060\ufeff]+")
_LEADING_QUOTES = "'‘’`\""
_DIGITS = re.compile(r"[0-9]+")
# "10203004567.0": a number written out as text by a CSV export; the ".0" is not a digit group.
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0+")
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")


class NationalIdError(CellError):
    """An ID that cannot be right; ``message`` is Vietnamese for the officer, ``part`` names what disagrees."""

    def __init__(self, message: str, *, part: Part) -> None:
        super().__init__(message)
        self.message = message
        self.part = part


@dataclass(frozen=True)
class NationalIdInfo:
    province_code: str
    province_name: str
    gender: Literal["M", "F"]
    century_start: int
    year: int


def normalize_national_id(raw: Any) -> str | None:
    """The 12-digit ID from what a cell holds (number or text), None for a blank cell.

    Numbers lose leading zeros in spreadsheets (010… becomes 10…), so a number of 10–11 digits is padded back to
    12. Text is never padded and nothing is ever cut: a wrong length is an error saying how many digits there are.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NationalIdError("Mã định danh phải là 12 chữ số, không phải giá trị Đúng/Sai.", part="format")
    if isinstance(raw, int):
        return _from_number(raw, shown=str(raw))
    if isinstance(raw, float | Decimal):
        if isinstance(raw, float) and math.isnan(raw):
            return None  # an empty numeric cell as some readers report it
        if not math.isfinite(raw) or raw != int(raw):
            raise NationalIdError(
                f"Mã định danh '{raw}' có phần thập phân; mã chỉ gồm 12 chữ số.",
                part="format",
            )
        # Integral doubles are exact up to 2**53, far above 10**12, so no digit of a 12-digit ID was lost here.
        return _from_number(int(raw), shown=str(int(raw)))
    return _from_text(str(raw))


def validate_national_id(national_id: str, *, gender: str | None, birth_date: date | None) -> None:
    """Raise NationalIdError naming the first part that disagrees with the person's gender or birth date.

    ``gender`` is "M", "F", or None or "" when unknown (then only the century and year are checked).
    """
    if gender not in (None, "", "M", "F"):
        raise ValueError(f"gender must be 'M', 'F', '' or None, not {gender!r}")
    gender = gender or None
    _check_format(national_id)
    _check_province(national_id)
    digit = int(national_id[3])
    id_gender, id_century = _gender_of(digit), _century_of(digit)
    described = f"Chữ số thứ 4 là {digit} ({GENDER_LABELS[id_gender].lower()}, sinh {_span(id_century)})"

    birth_century = None
    if birth_date is not None:
        if not FIRST_CENTURY <= birth_date.year <= LAST_YEAR:
            raise NationalIdError(
                f"Năm sinh {birth_date.year} nằm ngoài khoảng {FIRST_CENTURY}–{LAST_YEAR} mà mã định danh ghi được.",
                part="century",
            )
        birth_century = birth_date.year // 100 * 100

    if gender is not None and gender != id_gender:
        # With no birth date the century the ID states is the best guess for what the digit should be.
        century = birth_century if birth_century is not None else id_century
        label = GENDER_LABELS[gender]
        should = f"với {label.lower()} sinh {_span(century)} chữ số này phải là {_digit_for(gender, century)}"
        raise NationalIdError(f"{described} nhưng giới tính ghi {label}; {should}.", part="gender")

    if birth_date is None or birth_century is None:
        return
    if birth_century != id_century:
        if gender is None:
            should = f"{_digit_for('M', birth_century)} (nam) hoặc {_digit_for('F', birth_century)} (nữ)"
        else:
            should = str(_digit_for(gender, birth_century))
        raise NationalIdError(
            f"{described} nhưng năm sinh là {birth_date.year}; với người sinh {_span(birth_century)} "
            f"chữ số này phải là {should}.",
            part="century",
        )
    expected_year = f"{birth_date.year % 100:02d}"
    if national_id[4:6] != expected_year:
        raise NationalIdError(
            f"Chữ số 5–6 là {national_id[4:6]} nhưng năm sinh là {birth_date.year}; "
            f"hai chữ số này phải là {expected_year}.",
            part="year",
        )


def describe_national_id(national_id: str) -> NationalIdInfo:
    """What the ID itself says: birth province, gender and birth year (raises NationalIdError if unreadable)."""
    _check_format(national_id)
    _check_province(national_id)
    digit = int(national_id[3])
    century = _century_of(digit)
    return NationalIdInfo(
        province_code=national_id[:3],
        province_name=PROVINCE_CODES[national_id[:3]],
        gender=_gender_of(digit),
        century_start=century,
        year=century + int(national_id[4:6]),
    )


def mask_national_id(national_id: str) -> str:
    """The ID for lists and exports: the first and last three digits kept, "010******567"."""
    if len(national_id) <= 6:
        return "*" * len(national_id)
    return f"{national_id[:3]}{'*' * (len(national_id) - 6)}{national_id[-3:]}"


def _from_number(value: int, *, shown: str) -> str:
    if value < 0:
        raise NationalIdError(f"Mã định danh '{shown}' không được là số âm.", part="format")
    digits = str(value)
    # Province codes run 001–096, so a number that lost its leading zeros has 10 (00x…) or 11 (0xx…) digits.
    # 9 digits would mean a province "000", which does not exist: more likely an old 9-digit CMND number.
    if len(digits) in (ID_LENGTH - 2, ID_LENGTH - 1):
        digits = digits.zfill(ID_LENGTH)
    _check_length(digits)
    return digits


def _from_text(raw: str) -> str | None:
    text = raw.strip().lstrip(_LEADING_QUOTES).strip()
    if not text:
        return None
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")):
        raise NationalIdError(
            f"Mã định danh '{text}' bị ghi dạng số mũ nên đã mất chữ số; định dạng cột là Văn bản (Text) "
            "và nhập lại đủ 12 chữ số.",
            part="format",
        )
    if match := _FLOAT_TEXT.fullmatch(text):
        # The number went through a float somewhere on the way (CSV export), so its leading zeros are gone too.
        return _from_number(int(match.group(1)), shown=text)
    digits = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(digits):
        bad = next(ch for ch in digits if not ("0" <= ch <= "9"))
        raise NationalIdError(
            f"Mã định danh '{text}' có ký tự '{bad}'; mã chỉ gồm 12 chữ số.",
            part="format",
        )
    _check_length(digits)
    return digits


def _check_length(digits: str) -> None:
    if len(digits) != ID_LENGTH:
        hint = " (số CMND cũ có 9 chữ số; cần mã định danh 12 chữ số)" if len(digits) == 9 else ""
        raise NationalIdError(
            f"Mã định danh phải có đúng {ID_LENGTH} chữ số; ô này có {len(digits)} chữ số{hint}.",
            part="format",
        )


def _check_format(national_id: str) -> None:
    if not _DIGITS.fullmatch(national_id):
        raise NationalIdError(f"Mã định danh '{national_id}' chỉ được gồm chữ số.", part="format")
    _check_length(national_id)


def _check_province(national_id: str) -> None:
    if national_id[:3] not in PROVINCE_CODES:
        raise NationalIdError(
            f"Mã tỉnh {national_id[:3]} ở 3 chữ số đầu không tồn tại (mã nơi đăng ký khai sinh).",
            part="province",
        )


def _gender_of(digit: int) -> Literal["M", "F"]:
    return "F" if digit % 2 else "M"


def _century_of(digit: int) -> int:
    return FIRST_CENTURY + digit // 2 * 100


def _digit_for(gender: str, century: int) -> int:
    return (century - FIRST_CENTURY) // 100 * 2 + (1 if gender == "F" else 0)


def _span(century: int) -> str:
    return f"{century}–{century + 99}"
