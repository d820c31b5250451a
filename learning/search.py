"""Accent-insensitive Vietnamese search over published resources, ranked, with facets.

The query is folded like the stored ``search_text`` (lower case, no diacritics, đ → d), so "toan lop 6 phan so"
and "Toán lớp 6 – Phân số" meet. On PostgreSQL: full-text search over
``to_tsvector('simple', f_unaccent(search_text))``, stored in a generated column with a GIN index (every word
required, the last one as a prefix when it has 3 letters or more), ranked by ``ts_rank``; "lớp N" in the query
becomes a grade filter; when nothing matches, trigram word similarity over ``f_unaccent(search_text)`` (GIN
trigram index) catches typos. Both expressions are written exactly as the indexes of migration 0004. On SQLite:
every word with LIKE on the folded column, ranked in Python (title words count three times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from edudx.core.text import fold

from .models import ContentStatus, Resource, SchoolLevel

WORD = re.compile(r"[a-z0-9]+")
SQLITE_CANDIDATES = 5000
FACETS = ("subject", "grade", "kind", "level")
PREFIX_MIN = 3
GRADE_WORDS = re.compile(r"\blop (1[0-2]|[1-9])\b")


class FUnaccent(Func):
    function = "f_unaccent"
    output_field = TextField()


class WordSimilar(Func):
    """``text %> phrase``: the phrase is word-similar to the text (GIN trigram index on the text expression)."""

    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


def query_words(text: str) -> list[str]:
    return WORD.findall(fold(text or ""))[:12]


def grade_in(words: list[str]) -> int | None:
    match = GRADE_WORDS.search(" ".join(words))
    return int(match.group(1)) if match else None


def strip_grade(words: list[str]) -> list[str]:
    return GRADE_WORDS.sub(" ", " ".join(words)).split()


@dataclass
class SearchResult:
    page: Page
    total: int
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _postgres(queryset: QuerySet[Resource], words: list[str]) -> tuple[QuerySet[Resource], bool]:
    # The stored generated column of migration 0005: to_tsvector('simple', f_unaccent(search_text)).
    vector = RawSQL('"learning_resource"."search_vector"', [], output_field=SearchVectorField())
    last = words[-1] + (":*" if len(words[-1]) >= PREFIX_MIN else "")  # "so:*" would expand to hundreds of words
    raw = " & ".join([*words[:-1], last])
    query = SearchQuery(raw, config="simple", search_type="raw")
    matched = (
        queryset.annotate(search_vector=vector)
        .filter(search_vector=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "-published_at", "pk")
    )
    if matched.exists():
        return matched, False
    phrase = " ".join(words)
    fuzzy = (
        queryset.filter(WordSimilar(FUnaccent(F("search_text")), Value(phrase)))
        .annotate(rank=WordSimilarity(Value(phrase), FUnaccent(F("search_text"))))
        .order_by("-rank", "-published_at", "pk")
    )
    return fuzzy, True


def _sqlite(queryset: QuerySet[Resource], words: list[str]) -> list[Resource]:
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    candidates = list(queryset.order_by("-published_at", "pk")[:SQLITE_CANDIDATES])

    def score(resource: Resource) -> tuple[float, int]:
        title = fold(resource.title)
        title_words = WORD.findall(title)
        text_words = WORD.findall(resource.search_text)
        value = sum(3 * title_words.count(w) + text_words.count(w) for w in words)
        value += 5 if " ".join(words) in " ".join(title_words) else 0
        return (-value, 0)

    return sorted(candidates, key=score)


def _facets(queryset: QuerySet[Resource]) -> dict[str, list[dict[str, Any]]]:
    base = queryset.order_by()
    subjects = (
        base.values("subject__code", "subject__name").annotate(n=Count("pk")).order_by("-n", "subject__name")[:30]
    )
    grades = base.values("grade").annotate(n=Count("pk")).order_by("grade")
    kinds = base.values("kind").annotate(n=Count("pk")).order_by("-n")
    levels = base.values("level").annotate(n=Count("pk")).order_by("level")
    return {
        "subject": [{"value": s["subject__code"], "label": s["subject__name"], "count": s["n"]} for s in subjects],
        "grade": [{"value": str(g["grade"]), "label": str(g["grade"]), "count": g["n"]} for g in grades],
        "kind": [{"value": k["kind"], "label": Resource.Kind(k["kind"]).label, "count": k["n"]} for k in kinds],
        "level": [{"value": v["level"], "label": SchoolLevel(v["level"]).label, "count": v["n"]} for v in levels],
    }


def apply_filters(queryset: QuerySet[Resource], filters: dict[str, str]) -> QuerySet[Resource]:
    if filters.get("subject"):
        queryset = queryset.filter(subject__code=filters["subject"])
    if filters.get("grade", "").isdigit():
        queryset = queryset.filter(grade=int(filters["grade"]))
    if filters.get("kind") in Resource.Kind.values:
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("level") in SchoolLevel.values:
        queryset = queryset.filter(level=filters["level"])
    return queryset


def search_resources(
    *,
    visible_to: Any,
    text: str,
    filters: dict[str, str] | None = None,
    page: Any = 1,
    per_page: int = 20,
    facets: bool = True,
) -> SearchResult:
    """Published resources the caller may see, matching every word of ``text`` (accents ignored), best first."""
    filters = filters or {}
    base = apply_filters(
        Resource.objects.visible_to(visible_to).filter(status=ContentStatus.PUBLISHED).select_related("subject"),
        filters,
    )
    words = query_words(text)
    grade = grade_in(words)
    if grade is not None and not filters.get("grade"):
        # "lop 6" is the grade: a filter on the column, not two of the commonest words of the index.
        base = base.filter(grade=grade)
        words = strip_grade(words)
    fuzzy = False
    if not words:
        results: Any = base.order_by("-published_at", "pk")
        facet_source = base
    elif connection.vendor == "postgresql":
        results, fuzzy = _postgres(base, words)
        facet_source = Resource.objects.filter(pk__in=results.values("pk"))
    else:
        results = _sqlite(base, words)
        facet_source = Resource.objects.filter(pk__in=[r.pk for r in results])
    paginator = Paginator(results, per_page)
    current = paginator.get_page(page)
    return SearchResult(
        page=current,
        total=paginator.count,
        facets=_facets(facet_source) if facets else {},
        words=words,
        fuzzy=fuzzy,
    )
