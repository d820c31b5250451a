"""``copy_columns`` (PostgreSQL COPY, text format) stores exactly what it is given, whatever the text holds."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from edudx.core.bulk import copy_columns, create_temp_table

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]

TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", "\\N", "\\", "a\tb", "dòng 1\ndòng 2", "\r", "Nguyễn Thị Hoa", "1A\\", "\\."]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12),
)


def read_back(columns: list[list]) -> list[tuple]:
    create_temp_table("copy_check", [("n", "integer"), ("t", "text"), ("b", "boolean"), ("d", "date")])
    copy_columns("copy_check", ["n", "t", "b", "d"], columns)
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, t, b, d FROM copy_check ORDER BY n")
        return cursor.fetchall()


@settings(max_examples=50, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=20), data=st.data())
def test_every_value_comes_back_as_it_went_in(texts, data):
    size = len(texts)
    flags = data.draw(st.lists(st.sampled_from([None, True, False]), min_size=size, max_size=size))
    dates = data.draw(st.lists(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1))), min_size=size, max_size=size))
    rows = read_back([list(range(size)), texts, flags, dates])
    assert rows == list(zip(range(size), texts, flags, dates, strict=True))
