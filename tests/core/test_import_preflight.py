"""Unusable uploads are refused before any parser runs, each with one Vietnamese sentence."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from edudx.core.imports.preflight import OLE_MAGIC, Limits, UnusableFile, check_xlsx

LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_uncompressed=50 * 1024 * 1024, max_rows=1000)


def workbook_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def write(tmp_path: Path, data: bytes, name: str = "tep.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path) -> str:
    with pytest.raises(UnusableFile) as exc:
        check_xlsx(path, limits=LIMITS)
    return str(exc.value)


def test_a_plain_workbook_passes(tmp_path):
    check_xlsx(write(tmp_path, workbook_bytes([["Họ và tên"], ["Nguyễn Văn An"]])), limits=LIMITS)


def test_empty_file(tmp_path):
    assert "rỗng" in refused(write(tmp_path, b""))


def test_legacy_xls(tmp_path):
    assert ".xls" in refused(write(tmp_path, OLE_MAGIC + b"\x00" * 600))


def test_renamed_pdf(tmp_path):
    assert "không phải bảng tính" in refused(write(tmp_path, b"%PDF-1.7\n" + b"x" * 100))


def test_oversize_file(tmp_path):
    assert "quá lớn" in refused(write(tmp_path, b"PK" + b"\x00" * (LIMITS.max_bytes + 10)))


def test_zip_bomb(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            chunk = b" " * (1 << 20)
            for _ in range(60):
                entry.write(chunk)
    path = write(tmp_path, out.getvalue())
    assert path.stat().st_size < 1_000_000
    assert "zip bomb" in refused(path)


def test_zip_slip_entry(tmp_path):
    data = rewrite(workbook_bytes([["a"]]), add={"../../evil.txt": b"x"})
    assert "đường dẫn không hợp lệ" in refused(write(tmp_path, data))


def test_macros(tmp_path):
    data = rewrite(workbook_bytes([["a"]]), add={"xl/vbaProject.bin": b"\x00" * 100})
    assert "macro" in refused(write(tmp_path, data, "tep.xlsm"))


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sst>&xxe;</sst>',
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><sst>&b;</sst>',
    ],
    ids=["xxe", "billion-laughs"],
)
def test_entity_declarations(tmp_path, payload):
    data = rewrite(workbook_bytes([["a"]]), add={"xl/sharedStrings2.xml": payload})
    assert "DOCTYPE" in refused(write(tmp_path, data))


def test_formula_cells_are_named(tmp_path):
    data = workbook_bytes([["Họ và tên", "Tuổi"], ["An", "=1+2"], ["Bình", "=SUM(B2:B2)"]])
    message = refused(write(tmp_path, data))
    assert "B2" in message and "B3" in message and "Dán giá trị" in message
