"""Text normalisation shared by every input path: NFC storage, accent-insensitive comparison keys."""

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """The stored form of any text: Unicode NFC, surrounding and repeated whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


@lru_cache(maxsize=65536)  # imports fold the same few labels (Nam, Nữ, Kinh, Có…) hundreds of thousands of times
def fold(value: str) -> str:
    """A comparison key: lower case, no diacritics (đ→d), single spaces."""
    decomposed = unicodedata.normalize("NFD", nfc(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
