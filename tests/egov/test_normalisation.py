"""What people type back: receipt codes and phone numbers in any reasonable spelling find the same dossier."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.selectors import normalize_receipt_code
from egov.services import DossierError
from egov.services.dossiers import CROCKFORD, new_receipt_code, normalize_phone

codes = st.builds(
    lambda year, tail: f"HS-{year}-{tail}",
    st.integers(min_value=2020, max_value=2099),
    st.text(alphabet=CROCKFORD, min_size=8, max_size=8),
)


@given(code=codes, lower=st.booleans(), spaces=st.booleans())
def test_a_code_typed_in_lower_case_or_with_spaces_is_the_same_code(code, lower, spaces):
    typed = code.lower() if lower else code
    if spaces:
        typed = f"  {typed[:8]} {typed[8:]} "
    assert normalize_receipt_code(typed) == code


@given(code=codes)
def test_look_alike_letters_are_read_as_the_digits_they_resemble(code):
    typed = code[:8] + code[8:].replace("0", "O").replace("1", "I")
    assert normalize_receipt_code(typed) == code


@settings(max_examples=50)
@given(year=st.integers(min_value=2020, max_value=2099))
def test_new_codes_survive_normalisation(year):
    code = new_receipt_code(year=year)
    assert normalize_receipt_code(code) == code


@given(
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    style=st.sampled_from(["0{d}", "+84{d}", "84{d}", "0{a} {b} {c}", "0{a}.{b}.{c}", "(+84) {a}-{b}-{c}"]),
)
def test_a_phone_number_in_any_usual_spelling_is_stored_the_same(digits, style):
    a, b, c = digits[:3], digits[3:6], digits[6:]
    assert normalize_phone(style.format(d=digits, a=a, b=b, c=c)) == "0" + digits


@pytest.mark.parametrize("raw", ["", "12345", "0912 345", "abc0912345678", "0912345678901"])
def test_a_phone_number_that_is_not_one_is_refused(raw):
    with pytest.raises(DossierError):
        normalize_phone(raw)
