"""Refusing unusable uploads before any parser sees them (RELIABILITY §1, ASVS V5).

An .xlsx is a zip of XML parts. Before reading it we check, from the zip directory alone and by streaming the
XML: that it is a zip at all (not a legacy .xls, a renamed PDF or an empty file), that it does not inflate to
gigabytes (zip bomb), that no entry name escapes the folder (zip slip), that it carries no macros, that no XML
part declares a DOCTYPE (external entities, billion laughs), and that no cell holds a formula where values
are expected. Each refusal is one Vietnamese sentence saying what to do instead.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (BIFF in an OLE container)
MAX_ENTRIES = 2000
MAX_RATIO = 200  # deflate reaches ~100× on real spreadsheets full of repeated XML; bombs go far beyond
CHUNK = 1 << 20
FORMULA_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>(?:(?!</c>).){0,200}?<f[\s>/]', re.S)


class UnusableFile(Exception):
    """The file cannot be imported at all; ``str(exc)`` is the message for the person who uploaded it."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_rows: int


def default_limits() -> Limits:
    return Limits(
        max_bytes=settings.EDUDX_MAX_UPLOAD_BYTES,
        max_uncompressed=getattr(settings, "EDUDX_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024),
        max_rows=getattr(settings, "EDUDX_IMPORT_MAX_ROWS", 200_000),
    )


def check_xlsx(path: Path, *, limits: Limits | None = None) -> None:
    """Raises UnusableFile with a Vietnamese message when ``path`` is not a safe, value-only .xlsx workbook."""
    limits = limits or default_limits()
    size = path.stat().st_size
    if size == 0:
        raise UnusableFile("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel .xlsx có dữ liệu.")
    if size > limits.max_bytes:
        raise UnusableFile(
            f"Tệp quá lớn ({size / 1048576:.1f} MB); giới hạn là {limits.max_bytes / 1048576:.0f} MB. "
            "Hãy tách thành nhiều tệp."
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise UnusableFile(
            "Đây là tệp Excel cũ (.xls). Hãy mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx (Excel Workbook)."
        )
    if not zipfile.is_zipfile(path):
        raise UnusableFile("Tệp không phải bảng tính Excel .xlsx (có thể là tệp khác bị đổi đuôi). Hãy dùng tệp .xlsx.")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_directory(archive, size, limits)
            _check_parts(archive)
    except zipfile.BadZipFile as exc:
        raise UnusableFile("Tệp .xlsx bị hỏng, không đọc được. Hãy lưu lại tệp từ Excel rồi tải lên lại.") from exc


def _check_directory(archive: zipfile.ZipFile, size: int, limits: Limits) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UnusableFile("Tệp chứa quá nhiều thành phần bên trong để là một bảng tính thông thường.")
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise UnusableFile("Tệp không phải bảng tính Excel .xlsx (không có workbook). Hãy dùng tệp .xlsx.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UnusableFile("Tệp chứa macro (VBA). Hãy lưu lại dạng .xlsx không có macro rồi tải lên.")
    total = 0
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise UnusableFile("Tệp chứa đường dẫn không hợp lệ bên trong (có thể là tệp độc hại); đã từ chối.")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise UnusableFile("Tệp chứa liên kết tượng trưng bên trong (có thể là tệp độc hại); đã từ chối.")
        total += entry.file_size
    if total > limits.max_uncompressed or total > MAX_RATIO * max(size, 1):
        raise UnusableFile(
            "Tệp giải nén ra dung lượng bất thường (có thể là 'zip bomb'); đã từ chối. "
            "Nếu là dữ liệu thật, hãy tách thành nhiều tệp nhỏ."
        )


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Streams every XML part once: no DOCTYPE anywhere, no formula in a worksheet."""
    for entry in archive.infolist():
        if not entry.filename.endswith((".xml", ".rels")):
            continue
        is_sheet = entry.filename.startswith("xl/worksheets/")
        formulas: list[str] = []
        tail = b""
        with archive.open(entry) as part:
            while chunk := part.read(CHUNK):
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise UnusableFile(
                        "Tệp chứa khai báo DOCTYPE/ENTITY trong XML (có thể là tệp độc hại); đã từ chối."
                    )
                if is_sheet and len(formulas) < 5 and (b"<f>" in window or b"<f " in window):
                    formulas.extend(m.decode() for m in FORMULA_CELL.findall(window) if m.decode() not in formulas)
                tail = window[-400:]
        if formulas:
            sheet = entry.filename.rsplit("/", 1)[-1].removesuffix(".xml")
            raise UnusableFile(
                f"Bảng tính có công thức ở các ô {', '.join(formulas[:5])} ({sheet}); mẫu nhập cần giá trị. "
                "Hãy sao chép và 'Dán giá trị' (Paste Values) rồi lưu lại."
            )
