import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edudx.core.imports.columns import Column, find_header, header_key
from edudx.core.imports.values import CellError, choice_parser, parse_bool, parse_date, parse_int, parse_text

dates = st.dates(min_value=dt.date(1928, 1, 1), max_value=dt.date(2040, 12, 31))


@given(dates)
def test_a_date_reads_the_same_as_a_cell_a_serial_number_and_day_first_text(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(day) == parse_date(float(serial)) == parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(dt.datetime.combine(day, dt.time(0, 0))) == day
    assert parse_date(f" {day.day}/{day.month}/{day.year} ") == day


def test_ambiguous_text_dates_are_day_first():
    assert parse_date("05/04/2019") == dt.date(2019, 4, 5)
    assert parse_date("2019-04-05") == dt.date(2019, 4, 5)


@pytest.mark.parametrize("bad", ["31/02/2019", "hôm qua", "2019", 1.5, True])
def test_impossible_or_unreadable_dates_are_refused_in_vietnamese(bad):
    with pytest.raises(CellError, match=r"dd/mm/yyyy|không"):
        parse_date(bad)


@pytest.mark.parametrize("raw", ["Có", "có", "CO", "x", "X", 1, 1.0, True, "TRUE", "yes", "Đúng"])
def test_yes_variants(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["Không", "không", "KHONG", 0, 0.0, False, "FALSE", "no"])
def test_no_variants(raw):
    assert parse_bool(raw) is False


def test_blank_is_none_and_nonsense_is_an_error():
    assert parse_bool("  ") is None and parse_bool(None) is None
    with pytest.raises(CellError, match="Có hoặc Không"):
        parse_bool("có lẽ")


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_read_from_numbers_and_grouped_text(value):
    assert parse_int(value, maximum=None) == value
    assert parse_int(float(value), maximum=None) == value
    assert parse_int(f"{value:,}".replace(",", "."), maximum=None) == value


@given(st.text(alphabet="ăâđêôơưáàảãạ ABCaeiouyĐƠƯ", min_size=1, max_size=30))
def test_text_is_stored_nfc_whatever_form_it_came_in(text):
    nfd = unicodedata.normalize("NFD", text)
    parsed = parse_text(nfd)
    if parsed is not None:
        assert unicodedata.is_normalized("NFC", parsed)
        assert parsed == parse_text(text)


@pytest.mark.parametrize(
    "variant",
    ["Họ và tên", " HỌ VÀ TÊN ", "ho va ten", "Họ\nvà tên", "Họ và tên *", unicodedata.normalize("NFD", "Họ và tên")],
)
def test_header_variants_match(variant):
    assert header_key(variant) == header_key("Họ và tên")


def test_header_row_is_found_below_title_rows_and_extra_columns_are_reported():
    columns = [Column("a", "Mã định danh", required=True), Column("b", "Họ và tên", required=True), Column("c", "Lớp")]
    rows = [["SỞ GIÁO DỤC"], ["DANH SÁCH HỌC SINH"], [], ["Ghi chú", "HO VA TEN", "ma dinh danh"], ["x", "An", "1"]]
    match = find_header(rows, columns)
    assert match.row_index == 3
    assert match.positions == {"b": 1, "a": 2}
    assert match.extra == ["Ghi chú"]
    assert match.missing_required == []


def test_choice_parser_accepts_any_spelling_and_lists_the_choices_on_error():
    parse = choice_parser([("F", ["Nữ", "F"]), ("M", ["Nam"])], what="Giới tính")
    assert parse("nữ") == parse("NU") == parse(unicodedata.normalize("NFD", "Nữ")) == "F"
    with pytest.raises(CellError, match="Nữ, Nam"):
        parse("khác")
