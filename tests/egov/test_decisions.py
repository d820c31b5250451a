"""Set-based decisions (a round's publication) and the applicant's withdrawal, along the SPEC §6 state machine."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.models import DECIDED, OPEN, TRANSITIONS, Dossier, DossierEvent, DossierStatus
from egov.services import decide_dossiers, transition_dossier, withdraw_dossier
from egov.services.decisions import path_to
from tests.egov.factories import make_dossier, make_procedure

S = DossierStatus


@given(current=st.sampled_from(list(OPEN)), outcome=st.sampled_from([S.APPROVED, S.REJECTED]))
def test_every_path_to_a_decision_follows_the_state_machine(current, outcome):
    steps = path_to(current=current, outcome=outcome)
    if current == S.ADDITIONAL_DOCUMENTS_REQUESTED and outcome == S.APPROVED:
        assert steps == [S.RESUBMITTED, S.APPROVED]
    assert steps and steps[-1] == outcome
    for before, after in itertools.pairwise([current, *steps]):
        assert after in TRANSITIONS[before]


def test_a_decided_dossier_has_no_path_back():
    for state, outcome in itertools.product(DECIDED, [S.APPROVED, S.REJECTED]):
        assert path_to(current=state, outcome=outcome) in ([], [outcome]) or state == outcome
        if state == S.RESULT_RETURNED:
            assert path_to(current=state, outcome=outcome) == []


@pytest.fixture
def procedure(province):
    return make_procedure(province.unit_a)


@pytest.fixture
def officer(province):
    return province.users["unit_a_staff"]


@pytest.mark.django_db
def test_decide_moves_every_open_dossier_and_records_each_step(procedure, officer):
    fresh = make_dossier(procedure)
    waiting = make_dossier(procedure, submitted_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    transition_dossier(dossier=waiting, to=S.ADDITIONAL_DOCUMENTS_REQUESTED, by=officer, comment="Thiếu đơn")
    done = make_dossier(procedure)
    transition_dossier(dossier=done, to=S.REJECTED, by=officer, comment="Sai thủ tục")
    counts = decide_dossiers(
        dossiers=[fresh.pk, waiting.pk, done.pk], outcome=S.REJECTED, by=officer, comment="Không đủ điều kiện"
    )
    assert counts == {"decided": 2, "skipped": 0, "already_decided": 1}
    fresh.refresh_from_db()
    waiting.refresh_from_db()
    assert fresh.status == waiting.status == S.REJECTED
    assert fresh.decided_at is not None and waiting.paused_since is None
    assert list(fresh.events.values_list("from_status", "to_status", "comment")) == [
        ("", S.SUBMITTED, "Nộp trực tuyến"),
        (S.SUBMITTED, S.REJECTED, "Không đủ điều kiện"),
    ]
    assert done.events.count() == 2  # untouched


@pytest.mark.django_db
def test_approval_skips_what_waits_for_the_applicant_and_returns_the_rest(procedure, officer):
    fresh = make_dossier(procedure)
    waiting = make_dossier(procedure)
    transition_dossier(dossier=waiting, to=S.ADDITIONAL_DOCUMENTS_REQUESTED, by=officer, comment="Thiếu đơn")
    counts = decide_dossiers(
        dossiers=[fresh.pk, waiting.pk], outcome=S.APPROVED, by=officer, comment="Đủ điều kiện", return_result=True
    )
    # Approving a dossier that waits for documents would pretend the applicant resubmitted: it stays waiting.
    assert counts == {"decided": 1, "skipped": 1, "already_decided": 0}
    assert Dossier.objects.get(pk=waiting.pk).status == S.ADDITIONAL_DOCUMENTS_REQUESTED
    fresh.refresh_from_db()
    assert fresh.status == S.RESULT_RETURNED and fresh.returned_at is not None
    assert list(fresh.events.values_list("to_status", flat=True)) == [
        S.SUBMITTED,
        S.RECEIVED,
        S.PROCESSING,
        S.APPROVED,
        S.RESULT_RETURNED,
    ]


@pytest.mark.django_db
def test_deciding_many_dossiers_costs_the_same_statements_as_deciding_a_few(
    procedure, officer, django_assert_max_num_queries
):
    few = [make_dossier(procedure).pk for _ in range(2)]
    many = [make_dossier(procedure).pk for _ in range(30)]
    with django_assert_max_num_queries(8):
        decide_dossiers(dossiers=few, outcome=S.REJECTED, by=officer, comment="Hết chỉ tiêu")
    with django_assert_max_num_queries(8):
        decide_dossiers(dossiers=many, outcome=S.REJECTED, by=officer, comment="Hết chỉ tiêu", return_result=True)
    assert DossierEvent.objects.filter(dossier_id__in=many).count() == 30 * 3


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_an_outcome_must_be_a_decision(procedure, officer):
    dossier = make_dossier(procedure)
    with pytest.raises(Exception, match="lý do"):
        decide_dossiers(dossiers=[dossier.pk], outcome=S.REJECTED, by=officer, comment=" ")
    with pytest.raises(Exception, match="Kết quả"):
        decide_dossiers(dossiers=[dossier.pk], outcome=S.PROCESSING, by=officer, comment="x")
    assert Dossier.objects.get(pk=dossier.pk).status == S.SUBMITTED


@pytest.mark.django_db
def test_a_withdrawn_dossier_is_closed_without_a_decision_time(procedure):
    dossier = make_dossier(procedure)
    closed = withdraw_dossier(dossier=dossier, reason="Gia đình chuyển nơi ở")
    assert closed.status == S.REJECTED and closed.decided_at is None
    assert not closed.is_late
    assert closed.events.last().comment == "Gia đình chuyển nơi ở"
    assert withdraw_dossier(dossier=dossier).events.count() == 2  # a second withdrawal changes nothing
