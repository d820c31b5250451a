from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from people.national_id import (
    PROVINCE_CODES,
    NationalIdError,
    NationalIdInfo,
    describe_national_id,
    mask_national_id,
    normalize_national_id,
    validate_national_id,
)

genders = st.sampled_from(["M", "F"])
provinces = st.sampled_from(sorted(PROVINCE_CODES))
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31))
serials = st.integers(min_value=0, max_value=999_999)
unknown_provinces = (
    st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}").filter(lambda code: code not in PROVINCE_CODES)
)


def build_id(*, province: str, gender: str, birth_date: date, serial: int) -> str:
    digit = (birth_date.year // 100 - 19) * 2 + (1 if gender == "F" else 0)
    return f"{province}{digit}{birth_date.year % 100:02d}{serial:06d}"


@st.composite
def people(draw: st.DrawFn) -> tuple[str, str, date]:
    gender, birth_date = draw(genders), draw(birth_dates)
    national_id = build_id(province=draw(provinces), gender=gender, birth_date=birth_date, serial=draw(serials))
    return national_id, gender, birth_date


def error_of(national_id: str, *, gender: str | None, birth_date: date | None) -> NationalIdError:
    with pytest.raises(NationalIdError) as caught:
        validate_national_id(national_id, gender=gender, birth_date=birth_date)
    return caught.value


def test_province_table_has_the_63_pre_2025_codes_with_gaps():
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    numbers = sorted(int(code) for code in PROVINCE_CODES)
    assert numbers[0] == 1 and numbers[-1] == 96
    assert numbers != list(range(1, 64))  # 003, 005, 007 … were never assigned
    assert {"003", "005", "097", "000"}.isdisjoint(PROVINCE_CODES)
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["010"] == "Lào Cai"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert len(set(PROVINCE_CODES.values())) == 63


@given(people())
def test_a_consistent_id_validates_and_describes_its_holder(person):
    national_id, gender, birth_date = person
    validate_national_id(national_id, gender=gender, birth_date=birth_date)
    validate_national_id(national_id, gender=None, birth_date=birth_date)
    validate_national_id(national_id, gender="", birth_date=birth_date)  # a blank model field
    validate_national_id(national_id, gender=gender, birth_date=None)
    info = describe_national_id(national_id)
    assert info == NationalIdInfo(
        province_code=national_id[:3],
        province_name=PROVINCE_CODES[national_id[:3]],
        gender=gender,
        century_start=birth_date.year // 100 * 100,
        year=birth_date.year,
    )


@given(people())
def test_validate_rejects_id_whose_gender_digit_disagrees_with_gender(person):
    national_id, gender, birth_date = person
    flipped = f"{national_id[:3]}{int(national_id[3]) ^ 1}{national_id[4:]}"  # same century, other gender
    error = error_of(flipped, gender=gender, birth_date=birth_date)
    assert error.part == "gender"
    assert "Chữ số thứ 4" in error.message
    assert f"phải là {national_id[3]}" in error.message
    # Without a recorded gender there is nothing for the digit to disagree with.
    validate_national_id(flipped, gender=None, birth_date=birth_date)


@given(people(), st.integers(min_value=1, max_value=99))
def test_validate_rejects_id_whose_year_disagrees_with_birth_date(person, shift):
    national_id, gender, birth_date = person
    wrong = f"{(int(national_id[4:6]) + shift) % 100:02d}"
    error = error_of(f"{national_id[:4]}{wrong}{national_id[6:]}", gender=gender, birth_date=birth_date)
    assert error.part == "year"
    assert f"Chữ số 5–6 là {wrong} nhưng năm sinh là {birth_date.year}" in error.message
    assert f"phải là {national_id[4:6]}" in error.message


@given(people(), st.sampled_from([2, 4, 6, 8]), st.sampled_from([None, "own"]))
def test_validate_rejects_id_whose_century_disagrees_with_birth_date(person, shift, known_gender):
    national_id, gender, birth_date = person
    digit = (int(national_id[3]) + shift) % 10  # same gender, another century
    error = error_of(
        f"{national_id[:3]}{digit}{national_id[4:]}",
        gender=gender if known_gender else None,
        birth_date=birth_date,
    )
    assert error.part == "century"
    assert f"năm sinh là {birth_date.year}" in error.message
    assert national_id[3] in error.message.rsplit("phải là", 1)[1]


@given(people(), unknown_provinces)
def test_validate_rejects_unknown_province_code(person, province):
    national_id, gender, birth_date = person
    error = error_of(f"{province}{national_id[3:]}", gender=gender, birth_date=birth_date)
    assert error.part == "province"
    assert error.message == f"Mã tỉnh {province} ở 3 chữ số đầu không tồn tại (mã nơi đăng ký khai sinh)."
    with pytest.raises(NationalIdError):
        describe_national_id(f"{province}{national_id[3:]}")


def test_messages_say_which_part_disagrees_and_what_it_should_be():
    error = error_of("003203004567", gender="M", birth_date=date(2003, 1, 1))
    assert error.message == "Mã tỉnh 003 ở 3 chữ số đầu không tồn tại (mã nơi đăng ký khai sinh)."
    error = error_of("010103004567", gender="M", birth_date=date(1903, 5, 1))
    assert error.message.startswith("Chữ số thứ 4 là 1 (nữ, sinh 1900–1999) nhưng giới tính ghi Nam")
    assert "phải là 0" in error.message
    error = error_of("010212004567", gender="F", birth_date=date(2013, 9, 5))
    assert error.part == "gender"  # gender is reported first; the expected digit already accounts for 2013
    assert "phải là 3" in error.message
    error = error_of("010312004567", gender="F", birth_date=date(2013, 9, 5))
    assert error.message.startswith("Chữ số 5–6 là 12 nhưng năm sinh là 2013")
    error = error_of("010012004567", gender=None, birth_date=date(2012, 9, 5))
    assert error.part == "century"
    assert "2 (nam) hoặc 3 (nữ)" in error.message
    error = error_of("010012004567", gender="M", birth_date=date(1899, 12, 31))
    assert error.part == "century"


@given(people())
def test_normalize_restores_leading_zeros_lost_in_a_number_cell(person):
    national_id = person[0]
    assert national_id.startswith("0")  # every province code is below 100
    assert normalize_national_id(int(national_id)) == national_id
    assert normalize_national_id(float(int(national_id))) == national_id
    assert normalize_national_id(Decimal(int(national_id))) == national_id
    assert normalize_national_id(f"{int(national_id)}.0") == national_id


@pytest.mark.parametrize(
    "raw",
    [
        "010203004567",
        "'010203004567",
        "’010203004567",
        " 010 203 004 567 ",
        "010.203.004.567",
        "010-203-004-567",
        "010\u00a0203\u00a0004\u00a0567",
        "\ufeff010203004567",
        10203004567,
        10203004567.0,
    ],
)
def test_normalize_accepts_what_spreadsheets_contain(raw):
    assert normalize_national_id(raw) == "010203004567"


@pytest.mark.parametrize("raw", [None, "", "   ", "'", float("nan")])
def test_normalize_returns_none_for_a_blank_cell(raw):
    assert normalize_national_id(raw) is None


@pytest.mark.parametrize(
    ("raw", "count"),
    [("01020300456", 11), ("0102030045678", 13), ("010 203 004 56", 11), (1020300456789, 13), (123456789, 9)],
)
def test_normalize_refuses_wrong_length_stating_the_digit_count(raw, count):
    with pytest.raises(NationalIdError) as caught:
        normalize_national_id(raw)
    assert caught.value.part == "format"
    assert caught.value.message.startswith(f"Mã định danh phải có đúng 12 chữ số; ô này có {count} chữ số")


@given(st.integers(min_value=10**12, max_value=10**15) | st.integers(min_value=0, max_value=10**8))
def test_normalize_never_truncates_or_pads_beyond_lost_zeros(value):
    with pytest.raises(NationalIdError) as caught:
        normalize_national_id(value)
    assert f"ô này có {len(str(value))} chữ số" in caught.value.message


@pytest.mark.parametrize(
    "raw", [10203004567.5, "1.02030046E+11", "1,02030046e+11", "01020300456A", "CCCD 010203004567", True, -10203004567]
)
def test_normalize_refuses_fractions_scientific_notation_and_letters(raw):
    with pytest.raises(NationalIdError) as caught:
        normalize_national_id(raw)
    assert caught.value.part == "format"
    assert isinstance(caught.value, ValueError)


def test_mask_keeps_first_and_last_three_digits():
    assert mask_national_id("010203004567") == "010******567"
