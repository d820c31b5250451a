"""The 54 ethnic groups of Vietnam and the 2-digit codes statistics and education data use for them.

Codes follow the list of Decision 121-TCTK/PPCĐ (2 March 1979), the order the 2019 census tables still use.
Beware: the GSO's later list (Decision 1019/QĐ-TCTK, 2008) numbers most groups differently (04 Mường, 05 Khơ-me,
06 Hoa, 11 Ê-đê…); only 01–03 and 07–10 agree, so a code column from software built on that list is not ours.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from edudx.core.imports.values import CellError
from edudx.core.text import fold, nfc

KINH = "01"

ETHNIC_GROUPS: dict[str, str] = {
    "01": "Kinh",
    "02": "Tày",
    "03": "Thái",
    "04": "Hoa",
    "05": "Khơ-me",
    "06": "Mường",
    "07": "Nùng",
    "08": "Mông",
    "09": "Dao",
    "10": "Gia-rai",
    "11": "Ngái",
    "12": "Ê-đê",
    "13": "Ba-na",
    "14": "Xơ-đăng",
    "15": "Sán Chay",
    "16": "Cơ-ho",
    "17": "Chăm",
    "18": "Sán Dìu",
    "19": "Hrê",
    "20": "Mnông",
    "21": "Ra-glai",
    "22": "Xtiêng",
    "23": "Bru-Vân Kiều",
    "24": "Thổ",
    "25": "Giáy",
    "26": "Cơ-tu",
    "27": "Gié-Triêng",
    "28": "Mạ",
    "29": "Khơ-mú",
    "30": "Co",
    "31": "Tà-ôi",
    "32": "Chơ-ro",
    "33": "Kháng",
    "34": "Xinh-mun",
    "35": "Hà Nhì",
    "36": "Chu-ru",
    "37": "Lào",
    "38": "La Chí",
    "39": "La Ha",
    "40": "Phù Lá",
    "41": "La Hủ",
    "42": "Lự",
    "43": "Lô Lô",
    "44": "Chứt",
    "45": "Mảng",
    "46": "Pà Thẻn",
    "47": "Cơ Lao",
    "48": "Cống",
    "49": "Bố Y",
    "50": "Si La",
    "51": "Pu Péo",
    "52": "Brâu",
    "53": "Ơ-đu",
    "54": "Rơ-măm",
}

# Other names and spellings found in real files: older official spellings, the 2008 list's spellings, names used
# in the groups' own languages and in English. Names that are also another group's official name (Thổ is given
# as another name of Tày and of Khơ-me) or a generic word (Mán, Tây) are left out on purpose: guessing there
# would file a child under the wrong group without anyone noticing.
ALIASES: dict[str, tuple[str, ...]] = {
    "01": ("Việt",),
    "03": ("Thái Trắng", "Thái Đen"),
    "04": ("Hán",),
    "05": ("Khmer", "Khme", "Khơ-me Krôm", "Khmer Krôm"),
    "08": ("Hmông", "H'Mông", "Hmong", "Mèo"),
    "10": ("Jrai", "Jarai", "Giơ-rai"),
    "12": ("Ê Đê", "Ede", "Rhade", "Ra-đê", "Rađê"),
    "13": ("Bahnar", "Ba Na"),
    "14": ("Sêđăng", "Xê-đăng", "Sedang"),
    "15": ("Cao Lan", "Sán Chỉ", "Cao Lan-Sán Chỉ"),
    "16": ("K'Ho", "Koho", "Kơ-ho"),
    "17": ("Chàm", "Cham"),
    "18": ("Sán Rìu",),
    "19": ("H're",),
    "20": ("M'Nông", "Mơ-nông"),
    "21": ("Raglay", "Rắc-lây", "Rắc Glây"),
    "22": ("Stiêng", "S'tiêng"),
    "23": ("Bru", "Vân Kiều"),
    "26": ("Katu", "Ca-tu"),
    "27": ("Giẻ-Triêng", "Giẻ Triêng"),
    "29": ("Khmu", "Kmhmu"),
    "31": ("Ta-ôi", "Tà Ôi"),
    "32": ("Châu Ro",),
    "34": ("Xinh Mun",),
    "38": ("La Chi",),
    "42": ("Lữ",),
    "46": ("Pà Hưng",),
    "47": ("Co Lao",),
    "52": ("Brao",),
}

# Hyphens, dashes, apostrophes and spaces are written every which way ("Ê-đê", "Ê Đê", "Êđê"; "H'Mông", "Hmông").
_NOISE = re.compile(r"[\s\-‐‑‒–—―_.'’‘`ʼ]+")
# "1", "01", and "1.0" from a number that went through a CSV export.
_CODE_TEXT = re.compile(r"([0-9]{1,2})(?:\.0+)?")
_PREFIX = re.compile(r"^(?:dân tộc|dan toc)\s*:?\s*", re.IGNORECASE)


class EthnicityError(CellError):
    """A filled ethnicity cell that names none of the 54 groups; the message says how to write it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _accented_key(text: str) -> str:
    return _NOISE.sub("", nfc(text).lower())


def _folded_key(text: str) -> str:
    return _NOISE.sub("", fold(text))


def _build_tables() -> tuple[dict[str, str], dict[str, set[str]]]:
    accented: dict[str, str] = {}
    folded: dict[str, set[str]] = {}
    for code, name in ETHNIC_GROUPS.items():
        for spelling in (name, *ALIASES.get(code, ())):
            key = _accented_key(spelling)
            if accented.setdefault(key, code) != code:
                raise AssertionError(f"{spelling!r} names two ethnic groups")
            folded.setdefault(_folded_key(spelling), set()).add(code)
    return accented, folded


_BY_ACCENTED, _BY_FOLDED = _build_tables()


def resolve_ethnicity(raw: Any) -> str | None:
    """The 2-digit code for a cell holding a code (1, "01", 1.0) or a name in any spelling; None when blank.

    Diacritics decide when they are given (so a written "Tây" is not taken for Tày); a name typed without any is
    matched accent-free, and refused with a request for the code if that could mean two groups.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _unknown(str(raw))
    if isinstance(raw, int | float | Decimal):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        if math.isfinite(raw) and raw == int(raw):
            return _from_code(int(raw), shown=str(raw))
        raise _unknown(str(raw))
    text = nfc(str(raw))
    if not text:
        return None
    if match := _CODE_TEXT.fullmatch(text):
        return _from_code(int(match.group(1)), shown=text)
    name = _PREFIX.sub("", text)
    # "Kinh (Việt)", "Mông (Mèo)": the official name with its other name in brackets.
    candidates = [name, name.split("(", 1)[0]] if "(" in name else [name]
    for candidate in candidates:
        if code := _match(candidate):
            return code
    raise _unknown(text)


def _match(text: str) -> str | None:
    key, folded = _accented_key(text), _folded_key(text)
    if not key:
        return None
    if key != folded:  # the input carries diacritics: they are part of the name
        return _BY_ACCENTED.get(key)
    codes = _BY_FOLDED.get(folded, set())
    if len(codes) > 1:
        names = " hoặc ".join(f"{ETHNIC_GROUPS[code]} ({code})" for code in sorted(codes))
        raise EthnicityError(f"Dân tộc '{text}' viết không dấu có thể là {names}; ghi tên có dấu hoặc mã 2 chữ số.")
    return next(iter(codes), None)


def _from_code(value: int, *, shown: str) -> str:
    code = f"{value:02d}"
    if code not in ETHNIC_GROUPS:
        raise EthnicityError(f"Mã dân tộc '{shown}' không có trong danh mục; mã hợp lệ từ 01 đến 54.")
    return code


def _unknown(text: str) -> EthnicityError:
    return EthnicityError(
        f"Dân tộc '{text}' không có trong danh mục 54 dân tộc; ghi tên (ví dụ Kinh, Tày, Mông) "
        "hoặc mã 2 chữ số (01–54)."
    )
