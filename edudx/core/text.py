"""Text normalisation shared by every input path: NFC storage, accent-insensitive comparison keys."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """The stored form of any text: Unicode NFC, surrounding and repeated whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """A comparison key: lower case, no diacritics (đ→d), single spaces."""
    decomposed = unicodedata.normalize("NFD", nfc(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
