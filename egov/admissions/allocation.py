"""The admission allocation (SPEC §7, §13): applicant-optimal stable matching, pure Python, no Django.

Every school ranks the applicants who listed it:

- ``score``: higher score first, then higher tiebreak, then the lottery number;
- ``catchment``: applicants living in the school's catchment first, then priority group (1 before 2 …, none
  last), then the lottery number;

where the lottery number is ``int(sha256(f"{seed}:{applicant_id}"), 16)``, smaller first. The result is the
student-proposing deferred acceptance (Gale–Shapley) matching, which is stable and applicant-optimal. An
applicant is only ever placed at a school they listed; an applicant nobody keeps stays unplaced (``None``).

Speed: each school's order is reduced once to one integer per applicant (the position in a global sort), so
the proposal loop compares plain ints in a heap per school. Under ``score`` every school shares one ranking,
and deferred acceptance then equals serving applicants one by one in rank order (each takes their first listed
school with a place left): that is what ``allocate`` runs for ``score`` (the tests check it equals the proposal
loop). The same job code and ``manage.py allocate_admissions`` call this module, so a published allocation can be
re-run from its published inputs.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

METHOD_CATCHMENT = "catchment"
METHOD_SCORE = "score"
METHODS = (METHOD_CATCHMENT, METHOD_SCORE)
MAX_CHOICES = 3


@dataclass(frozen=True, slots=True)
class Applicant:
    applicant_id: str
    choices: tuple[str, ...]
    score: Decimal | None = None
    tiebreak: Decimal | None = None
    priority: int | None = None
    ward: str = ""


@dataclass(frozen=True, slots=True)
class School:
    code: str
    quota: int
    catchment_wards: frozenset[str] = frozenset()


class AllocationError(ValueError):
    """Inputs the allocation cannot run on (a programming or data error, never a ranking question)."""


def lottery_number(seed: int | str, applicant_id: str) -> int:
    """SHA-256 of ``"{seed}:{applicant_id}"`` read as a hexadecimal integer (smaller draws first)."""
    return int(hashlib.sha256(f"{seed}:{applicant_id}".encode()).hexdigest(), 16)


def _score_key(applicant: Applicant, lottery: int) -> tuple:
    # A missing score or tiebreak ranks after every present one (the command refuses a blank score for `score`).
    score, tiebreak = applicant.score, applicant.tiebreak
    return (
        score is None,
        -score if score is not None else 0,
        tiebreak is None,
        -tiebreak if tiebreak is not None else 0,
        lottery,
    )


def rank_key(*, method: str, applicant: Applicant, school: School, seed: int | str) -> tuple:
    """The order of SPEC §13 as a sort key: a smaller key is ranked higher by ``school``."""
    lottery = lottery_number(seed, applicant.applicant_id)
    if method == METHOD_SCORE:
        return _score_key(applicant, lottery)
    if method == METHOD_CATCHMENT:
        return (
            applicant.ward not in school.catchment_wards,
            applicant.priority is None,
            applicant.priority or 0,
            lottery,
        )
    raise AllocationError(f"unknown method {method!r}")


def _check(applicants: Sequence[Applicant], schools: Mapping[str, School]) -> None:
    seen: set[str] = set()
    for applicant in applicants:
        if applicant.applicant_id in seen:
            raise AllocationError(f"duplicate applicant {applicant.applicant_id!r}")
        seen.add(applicant.applicant_id)
        if len(set(applicant.choices)) != len(applicant.choices):
            raise AllocationError(f"applicant {applicant.applicant_id!r} lists a school twice")
        for code in applicant.choices:
            if code not in schools:
                raise AllocationError(f"applicant {applicant.applicant_id!r} lists unknown school {code!r}")
    for school in schools.values():
        if school.quota < 0:
            raise AllocationError(f"school {school.code!r} has a negative quota")


def _index_schools(schools: Iterable[School]) -> dict[str, School]:
    index: dict[str, School] = {}
    for school in schools:
        if school.code in index:
            raise AllocationError(f"duplicate school {school.code!r}")
        index[school.code] = school
    return index


def _score_ranks(applicants: Sequence[Applicant], seed: int | str) -> list[int]:
    """Position of each applicant (by input index) in the one ranking every school shares under ``score``."""
    keys = [_score_key(a, lottery_number(seed, a.applicant_id)) for a in applicants]
    order = sorted(range(len(applicants)), key=keys.__getitem__)
    ranks = [0] * len(applicants)
    for position, i in enumerate(order):
        ranks[i] = position
    return ranks


def _catchment_keys(
    applicants: Sequence[Applicant], schools: Mapping[str, School], seed: int | str
) -> list[tuple[int, ...]]:
    """For each applicant, one int per listed school: smaller is ranked higher by that school.

    The key packs (outside the catchment, priority group, lottery position) into one integer so that the heaps
    compare ints, not tuples of big numbers.
    """
    n = len(applicants)
    lottery = [lottery_number(seed, a.applicant_id) for a in applicants]
    lottery_pos = [0] * n
    for position, i in enumerate(sorted(range(n), key=lottery.__getitem__)):
        lottery_pos[i] = position
    groups = sorted({a.priority for a in applicants if a.priority is not None})
    group_pos = {group: k for k, group in enumerate(groups)}
    no_group = len(groups)
    width = no_group + 1
    keys: list[tuple[int, ...]] = []
    for i, applicant in enumerate(applicants):
        group = group_pos[applicant.priority] if applicant.priority is not None else no_group
        inside = group * n + lottery_pos[i]
        outside = (width + group) * n + lottery_pos[i]
        ward = applicant.ward
        keys.append(tuple(inside if ward in schools[code].catchment_wards else outside for code in applicant.choices))
    return keys


def deferred_acceptance(
    *, choices: Sequence[Sequence[str]], keys: Sequence[Sequence[int]], quotas: Mapping[str, int]
) -> list[str | None]:
    """Student-proposing deferred acceptance on precomputed keys.

    ``choices[i]`` are applicant i's schools in order of preference, ``keys[i][k]`` how school ``choices[i][k]``
    ranks applicant i (smaller is better; distinct within a school). Returns each applicant's school or None.
    """
    n = len(choices)
    held: dict[str, list[tuple[int, int]]] = {code: [] for code in quotas}  # max-heap by key: (-key, applicant)
    next_choice = [0] * n
    free = list(range(n - 1, -1, -1))
    while free:
        i = free.pop()
        mine = choices[i]
        k = next_choice[i]
        if k >= len(mine):
            continue  # every listed school refused: unplaced
        next_choice[i] = k + 1
        code = mine[k]
        quota = quotas[code]
        if quota == 0:
            free.append(i)
            continue
        heap = held[code]
        entry = (-keys[i][k], i)
        if len(heap) < quota:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:  # better than the worst held: the worst is released
            free.append(heapq.heapreplace(heap, entry)[1])
        else:
            free.append(i)
    result: list[str | None] = [None] * n
    for code, heap in held.items():
        for _key, i in heap:
            result[i] = code
    return result


def serve_in_rank_order(
    *, choices: Sequence[Sequence[str]], ranks: Sequence[int], quotas: Mapping[str, int]
) -> list[str | None]:
    """Serial dictatorship: applicants in rank order each take their first listed school with a place left.

    Equal to deferred acceptance when every school ranks applicants by the same ``ranks``.
    """
    left = dict(quotas)
    result: list[str | None] = [None] * len(choices)
    for i in sorted(range(len(choices)), key=ranks.__getitem__):
        for code in choices[i]:
            if left[code] > 0:
                left[code] -= 1
                result[i] = code
                break
    return result


def allocate(
    *, method: str, applicants: Sequence[Applicant], schools: Iterable[School], seed: int | str = 0
) -> dict[str, str | None]:
    """The applicant-optimal stable matching of SPEC §13: applicant id → school code, or None when unplaced."""
    if method not in METHODS:
        raise AllocationError(f"unknown method {method!r}")
    index = _index_schools(schools)
    _check(applicants, index)
    choices = [a.choices for a in applicants]
    quotas = {code: school.quota for code, school in index.items()}
    if method == METHOD_SCORE:
        placed = serve_in_rank_order(choices=choices, ranks=_score_ranks(applicants, seed), quotas=quotas)
    else:
        placed = deferred_acceptance(choices=choices, keys=_catchment_keys(applicants, index, seed), quotas=quotas)
    return {a.applicant_id: code for a, code in zip(applicants, placed, strict=True)}


def allocate_by_proposals(
    *, method: str, applicants: Sequence[Applicant], schools: Iterable[School], seed: int | str = 0
) -> dict[str, str | None]:
    """Deferred acceptance for either method, always through the proposal loop (the reference for ``score``)."""
    if method not in METHODS:
        raise AllocationError(f"unknown method {method!r}")
    index = _index_schools(schools)
    _check(applicants, index)
    choices = [a.choices for a in applicants]
    quotas = {code: school.quota for code, school in index.items()}
    if method == METHOD_SCORE:
        ranks = _score_ranks(applicants, seed)
        keys: list[Sequence[int]] = [(ranks[i],) * len(c) for i, c in enumerate(choices)]
    else:
        keys = list(_catchment_keys(applicants, index, seed))
    placed = deferred_acceptance(choices=choices, keys=keys, quotas=quotas)
    return {a.applicant_id: code for a, code in zip(applicants, placed, strict=True)}


def blocking_pairs(
    *, method: str, applicants: Sequence[Applicant], schools: Iterable[School], seed: int | str, result: Mapping
) -> list[tuple[str, str]]:
    """Pairs (applicant, school) that would both rather be matched to each other: empty when ``result`` is stable."""
    index = _index_schools(schools)
    admitted: dict[str, list[Applicant]] = {code: [] for code in index}
    for applicant in applicants:
        code = result.get(applicant.applicant_id)
        if code is not None:
            admitted[code].append(applicant)
    pairs = []
    for applicant in applicants:
        current = result.get(applicant.applicant_id)
        for code in applicant.choices:
            if code == current:
                break  # schools after this one are less wanted
            school = index[code]
            if school.quota == 0:
                continue
            mine = rank_key(method=method, applicant=applicant, school=school, seed=seed)
            held = admitted[code]
            if len(held) < school.quota or any(
                rank_key(method=method, applicant=other, school=school, seed=seed) > mine for other in held
            ):
                pairs.append((applicant.applicant_id, code))
    return pairs
