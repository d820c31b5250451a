"""Search: runs on SQLite locally and on PostgreSQL when DATABASE_URL points at one (both paths are exercised)."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from edudx.core.text import fold
from learning.models import ContentStatus, Resource, Subject
from learning.search import query_words, search_resources

from .factories import catalogue
from .test_resources import make

pytestmark = pytest.mark.django_db


def publish(resource):
    Resource.objects.filter(pk=resource.pk).update(status=ContentStatus.PUBLISHED)
    return resource


@pytest.fixture
def library(province):
    catalogue()
    fractions = publish(make(province, link="https://example.edu.vn/1", title="Toán lớp 6 – Phân số"))
    compare = publish(make(province, link="https://example.edu.vn/2", title="So sánh phân số", units=("TOAN-6-C3-02",)))
    decimals = publish(
        make(province, link="https://example.edu.vn/3", title="Số thập phân và làm tròn", units=("TOAN-6-C4-01",))
    )
    draft = make(province, link="https://example.edu.vn/4", title="Phân số – bản nháp chưa duyệt")
    literature = create_literature(province)
    return {"fractions": fractions, "compare": compare, "decimals": decimals, "draft": draft, "lit": literature}


def create_literature(province):
    from learning.services.resources import create_resource

    codes = catalogue()
    return publish(
        create_resource(
            by=province.users["teacher_a"],
            org_unit=province.school_a.org_unit,
            title="Đọc hiểu truyền thuyết Thánh Gióng",
            kind=Resource.Kind.VIDEO,
            subject=Subject.objects.get(code="NGUVAN"),
            grade=6,
            licence=Resource.Licence.CC_BY,
            author="Đặng Văn Đức",
            audience=Resource.Audience.PROVINCE,
            knowledge_units=[codes["NGUVAN-6-C1-01"]],
            link_url="https://example.edu.vn/5",
        )
    )


def titles(result):
    return [r.title for r in result.page.object_list]


def test_query_without_diacritics_finds_the_vietnamese_title_first(library, province):
    result = search_resources(visible_to=province.users["school_b_admin"], text="toan lop 6 phan so")
    assert titles(result)[0] == "Toán lớp 6 – Phân số"
    assert "Phân số – bản nháp chưa duyệt" not in titles(result)  # drafts never reach another school


def test_d_with_stroke_folds_to_d(library, province):
    result = search_resources(visible_to=province.users["school_b_admin"], text="doc hieu thanh giong")
    assert titles(result) == ["Đọc hiểu truyền thuyết Thánh Gióng"]
    assert titles(search_resources(visible_to=province.users["school_b_admin"], text="dang van duc")) == [
        "Đọc hiểu truyền thuyết Thánh Gióng"
    ]


def test_every_word_must_match(library, province):
    result = search_resources(visible_to=province.users["school_b_admin"], text="phan so thap phan lam tron")
    assert titles(result) == ["Số thập phân và làm tròn"]


def test_facets_count_subject_grade_kind_and_level(library, province):
    result = search_resources(visible_to=province.users["school_b_admin"], text="")
    subjects = {f["value"]: f["count"] for f in result.facets["subject"]}
    assert subjects == {"TOAN": 3, "NGUVAN": 1}
    assert {f["value"]: f["count"] for f in result.facets["kind"]} == {"e_lecture": 3, "video": 1}
    assert result.facets["level"] == [{"value": "THCS", "label": "Trung học cơ sở", "count": 4}]
    filtered = search_resources(visible_to=province.users["school_b_admin"], text="", filters={"kind": "video"})
    assert titles(filtered) == ["Đọc hiểu truyền thuyết Thánh Gióng"]


def test_knowledge_unit_names_are_searchable(library, province):
    # "Mở rộng phân số. Phân số bằng nhau" is the knowledge unit's name, not in the title
    result = search_resources(visible_to=province.users["school_b_admin"], text="phan so bang nhau")
    assert "Toán lớp 6 – Phân số" in titles(result)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram fallback exists on PostgreSQL only")
def test_postgres_typo_falls_back_to_trigram_similarity(library, province):
    result = search_resources(visible_to=province.users["school_b_admin"], text="thanh giongg")
    assert result.fuzzy and titles(result)[0] == "Đọc hiểu truyền thuyết Thánh Gióng"


@given(st.text(max_size=40))
@settings(max_examples=200)
def test_query_words_are_folded_ascii_tokens(text):
    for word in query_words(text):
        assert word.isascii() and word.isalnum() and word == fold(word)
