"""Accent-insensitive Vietnamese search over published resources, ranked, with facets.

The query is folded like the stored ``search_text`` (lower case, no diacritics, đ → d), so "toan lop 6 phan so"
and "Toán lớp 6 – Phân số" meet. On PostgreSQL: full-text search over
``to_tsvector('simple', f_unaccent(search_text))``, stored in a generated column with a GIN index (every word
required, the last one as a prefix when it has 3 letters or more), ranked by ``ts_rank`` within one bounded read
of at most 1,001 matches (count, facets and ranking from the same rows; see ``_window``); "lớp N" in the query
becomes a grade filter; when nothing matches, the words no resource holds are dropped, and then trigram word
similarity over ``f_unaccent(search_text)`` (GIN
trigram index) catches typos. Both expressions are written exactly as the indexes of migration 0004. On SQLite:
every word with LIKE on the folded column, ranked in Python (title words count three times).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Count, F, FloatField, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from edudx.core.text import fold

from .models import Resource, SchoolLevel, Subject

WORD = re.compile(r"[a-z0-9]+")
SQLITE_CANDIDATES = 5000
FACETS = ("subject", "grade", "kind", "level")
PREFIX_MIN = 3
COUNT_CAP = 1000
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


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 matches (on ``count_source``, without the ranking): past a thousand, "more
    than 1,000" is what a person needs, and an exact count would read every matching row a second time."""

    def __init__(self, object_list: Any, per_page: int, *, count_source: Any = None, known: int | None = None):
        super().__init__(object_list, per_page)
        self.count_source = count_source if count_source is not None else object_list
        self.known = known

    @cached_property
    def count(self) -> int:
        if self.known is not None:
            return self.known
        if isinstance(self.count_source, list):
            return len(self.count_source)
        return self.count_source.order_by()[: COUNT_CAP + 1].count()


@dataclass
class SearchResult:
    page: Page
    total: int
    more: bool = False  # more than ``total`` (COUNT_CAP) matches
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    fuzzy: bool = False


def _vector() -> RawSQL:
    # The stored generated column of migration 0005: to_tsvector('simple', f_unaccent(search_text)).
    return RawSQL('"learning_resource"."search_vector"', [], output_field=SearchVectorField())


def _tsquery(words: list[str]) -> SearchQuery:
    last = words[-1] + (":*" if len(words[-1]) >= PREFIX_MIN else "")  # "so:*" would expand to hundreds of words
    return SearchQuery(" & ".join([*words[:-1], last]), config="simple", search_type="raw")


def _match(queryset: QuerySet[Resource], words: list[str]) -> QuerySet[Resource]:
    """Matching rows with their ``rank``. The filter is the lookup itself, not an ``id IN (subquery)`` (which made
    PostgreSQL re-run the search per row)."""
    query = _tsquery(words)
    return queryset.filter(SearchVectorExact(_vector(), query)).annotate(rank=SearchRank(_vector(), query))


WINDOW_FIELDS = ("pk", "rank", "published_at", "subject_id", "grade", "kind", "level")


def _window(matching: QuerySet[Resource]) -> list[tuple[Any, ...]]:
    """Up to COUNT_CAP + 1 matching rows (in the order the GIN bitmap yields them, no sort) with their rank and
    facet fields: ONE bounded read gives the capped count, the facets and the ranking.

    Relevance trade-off, stated and tested: when a query matches more than COUNT_CAP rows (the page then says
    "more than 1,000"), only this window is ranked, so the best match of the whole table may fall outside it.
    Ranking every match read every matching row from the heap (20,000 rows and 13,000 pages for an author's name:
    the p95 of the search); a person facing a thousand results narrows them with the facets, and then every
    match is ranked again.

    One table, no join (the subject's name is read apart, for the facets only): with a join to the org units the
    planner, trusting its estimate of 8 rows for an AND of four correlated words (6,962 actual), put the match under
    a nested loop with a Materialize that read every match before the LIMIT (6,024 heap pages instead of 859)."""
    return list(matching.order_by().values_list(*WINDOW_FIELDS)[: COUNT_CAP + 1])


def _ranked_ids(window: list[tuple[Any, ...]]) -> list[int]:
    """Best first: rank, then the newest, then the id (the order the full sort used)."""
    oldest = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(window, key=lambda row: (-row[1], -(row[2] or oldest).timestamp(), row[0]))
    return [row[0] for row in ordered]


KNOWN_SECONDS = 600  # a word some resource holds rarely stops being held
UNKNOWN_SECONDS = 60  # a word nobody wrote may be published any minute: asked again soon
LEXICON_SIZE = 50_000
_lexicon: dict[tuple[str, str], tuple[bool, float]] = {}  # (database, term) -> (held, checked at), per process


def forget_lexicon() -> None:
    _lexicon.clear()


def _known_words(words: list[str]) -> list[str]:
    """The words at least one resource holds: unknown words are dropped before giving up on a query. Answers are
    kept in this process's memory (KNOWN_SECONDS / UNKNOWN_SECONDS): probing a common prefix ("tiet:*") builds
    the GIN bitmap of tens of thousands of rows, and that probe was the tail of the queries holding one unknown
    word. The terms not known yet are probed in one round trip, each answered by the GIN index."""
    database = connection.settings_dict["NAME"]
    terms = [word + (":*" if len(word) >= PREFIX_MIN else "") for word in words]
    now = time.monotonic()
    held: dict[str, bool] = {}
    for term in terms:
        answer = _lexicon.get((database, term))
        if answer and now - answer[1] < (KNOWN_SECONDS if answer[0] else UNKNOWN_SECONDS):
            held[term] = answer[0]
    missing = [term for term in dict.fromkeys(terms) if term not in held]
    if missing:
        with transaction.atomic(), connection.cursor() as cursor:
            # With LIMIT 1 inside EXISTS the planner may bet on a sequential scan stopping early: for a word nobody
            # wrote, that reads the whole table. The index answers it at once.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "SELECT t.term FROM unnest(%s::text[]) AS t(term) WHERE EXISTS (SELECT 1 FROM learning_resource r "
                "WHERE r.search_vector @@ to_tsquery('simple'::regconfig, t.term))",
                [missing],
            )
            found = {row[0] for row in cursor.fetchall()}
        if len(_lexicon) > LEXICON_SIZE:
            _lexicon.clear()
        for term in missing:
            held[term] = term in found
            _lexicon[(database, term)] = (held[term], now)
    return [word for word, term in zip(words, terms, strict=True) if held[term]]


def _postgres(queryset: QuerySet[Resource], words: list[str]) -> tuple[list[tuple[Any, ...]], bool]:
    """(the window of matching rows with rank and facet fields, fuzzy)."""
    window = _window(_match(queryset, words))
    if window:
        return window, False
    known = _known_words(words)
    if known and known != words:
        window = _window(_match(queryset, known))  # "gdcd", a typo, "ky" for "kĩ": match on the other words
        if window:
            return window, True
    phrase = " ".join(words)
    similar = queryset.filter(WordSimilar(FUnaccent(F("search_text")), Value(phrase))).annotate(
        rank=WordSimilarity(Value(phrase), FUnaccent(F("search_text")))
    )
    return _window(similar), True


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


def _facets_of(window: list[tuple[Any, ...]]) -> dict[str, list[dict[str, Any]]]:
    named = {pk: (code, name) for pk, code, name in Subject.objects.filter(pk__in={row[3] for row in window})
             .order_by().values_list("pk", "code", "name")}  # fmt: skip
    sample = [(*named[row[3]], *row[4:]) for row in window]
    subjects = Counter((row[0], row[1]) for row in sample)
    grades = Counter(row[2] for row in sample)
    kinds = Counter(row[3] for row in sample)
    levels = Counter(row[4] for row in sample)
    return {
        "subject": [
            {"value": code, "label": name, "count": n}
            for (code, name), n in sorted(subjects.items(), key=lambda item: (-item[1], item[0][1]))[:30]
        ],
        "grade": [{"value": str(g), "label": str(g), "count": n} for g, n in sorted(grades.items())],
        "kind": [
            {"value": k, "label": Resource.Kind(k).label, "count": n}
            for k, n in sorted(kinds.items(), key=lambda item: -item[1])
        ],
        "level": [{"value": v, "label": SchoolLevel(v).label, "count": n} for v, n in sorted(levels.items())],
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
        Resource.objects.published_visible_to(visible_to).select_related("subject"),
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
        window, fuzzy = _postgres(base, words)
        paginator = CappedPaginator(_ranked_ids(window), per_page)
        current = paginator.get_page(page)
        rows = Resource.objects.select_related("subject").in_bulk(list(current.object_list))
        current.object_list = [rows[pk] for pk in current.object_list if pk in rows]
        return SearchResult(
            page=current,
            total=min(paginator.count, COUNT_CAP),
            more=paginator.count > COUNT_CAP,
            # past COUNT_CAP matches, the facets count the window of the first thousand ("more than 1,000")
            facets=_facets_of(window) if facets else {},
            words=words,
            fuzzy=fuzzy,
        )
    else:
        results = _sqlite(base, words)
        facet_source = Resource.objects.filter(pk__in=[r.pk for r in results])
    paginator = CappedPaginator(results, per_page)
    current = paginator.get_page(page)
    return SearchResult(
        page=current,
        total=min(paginator.count, COUNT_CAP),
        more=paginator.count > COUNT_CAP,
        facets=_facets(facet_source) if facets else {},
        words=words,
        fuzzy=fuzzy,
    )
