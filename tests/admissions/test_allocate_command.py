"""``manage.py allocate_admissions``: SPEC §13's files in, R.csv out; exit 2 with one line for unusable input."""

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.admissions.allocation import Applicant, School
from egov.admissions.allocation_files import read_applicants, read_schools, write_applicants, write_schools

APPLICANTS = """applicant_id,score,tiebreak,priority,ward,choice1,choice2,choice3
HS03,8.5,1,,P01,THPT-SO1-LC,THPT-SO2-LC,
HS01,9,,,P02,THPT-SO1-LC,,
HS02,8.5,2,1,P01,THPT-SO1-LC,THPT-SO2-LC,
"""
SCHOOLS = """school_code,quota,catchment_wards
THPT-SO1-LC,1,P01;P02
THPT-SO2-LC,1,
"""


def _run(tmp_path: Path, *, applicants: str = APPLICANTS, schools: str = SCHOOLS, method: str = "score", seed=None):
    (tmp_path / "A.csv").write_text(applicants, encoding="utf-8")
    (tmp_path / "S.csv").write_text(schools, encoding="utf-8")
    out = tmp_path / "R.csv"
    args = ["--method", method, "--applicants", str(tmp_path / "A.csv"), "--schools", str(tmp_path / "S.csv")]
    args += ["--out", str(out)] + (["--seed", str(seed)] if seed is not None else [])
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("allocate_admissions", *args, stdout=stdout, stderr=stderr)
    except SystemExit as exc:
        code = exc.code
    return code, out, stderr.getvalue()


def test_writes_every_applicant_sorted_by_id_with_blank_when_unplaced(tmp_path):
    code, out, _ = _run(tmp_path)
    assert code == 0
    assert out.read_text(encoding="utf-8") == "applicant_id,school_code\nHS01,THPT-SO1-LC\nHS02,THPT-SO2-LC\nHS03,\n"


def test_catchment_run_is_reproducible_for_a_seed_and_seed_defaults_to_zero(tmp_path):
    first = _run(tmp_path, method="catchment", seed=2026)[1].read_bytes()
    assert _run(tmp_path, method="catchment", seed=2026)[1].read_bytes() == first
    default = _run(tmp_path, method="catchment")[1].read_bytes()
    assert _run(tmp_path, method="catchment", seed=0)[1].read_bytes() == default


def test_catchment_accepts_blank_scores_and_a_byte_order_mark(tmp_path):
    applicants = "\ufeffapplicant_id,score,tiebreak,priority,ward,choice1,choice2,choice3\nHS01,,,,P01,THPT-SO1-LC,,\n"
    code, out, _ = _run(tmp_path, applicants=applicants, method="catchment")
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1] == "HS01,THPT-SO1-LC"


@pytest.mark.parametrize(
    ("applicants", "schools", "fragment"),
    [
        (APPLICANTS.replace("8.5,1,", "8,5,1,", 1), SCHOOLS, "nhiều ô hơn"),
        (APPLICANTS.replace("9,,", "chín,,", 1), SCHOOLS, "cột score"),
        (APPLICANTS.replace("9,,", "NaN,,", 1), SCHOOLS, "cột score"),
        (APPLICANTS.replace("HS01,9,,,P02,THPT-SO1-LC", "HS01,9,,,P02,THPT-XX", 1), SCHOOLS, "THPT-XX"),
        (APPLICANTS.replace("HS02", "HS01", 1), SCHOOLS, "hai lần"),
        (APPLICANTS.replace("applicant_id,score", "id,score", 1), SCHOOLS, "thiếu cột applicant_id"),
        (
            APPLICANTS.replace("HS01,9,,,P02,THPT-SO1-LC,,", "HS01,9,,,P02,THPT-SO1-LC,THPT-SO1-LC,", 1),
            SCHOOLS,
            "choice2",
        ),
        (APPLICANTS.replace("HS01,9,,", "HS01,,,", 1), SCHOOLS, "thiếu điểm"),
        (APPLICANTS.replace("HS01,9,,,", "HS01,9,,0,", 1), SCHOOLS, "cột priority"),
        (APPLICANTS, SCHOOLS.replace("THPT-SO2-LC,1", "THPT-SO2-LC,-1"), "cột quota"),
        (APPLICANTS, SCHOOLS + "THPT-SO1-LC,3,\n", "hai lần"),
        (APPLICANTS, "school_code,catchment_wards\nTHPT-SO1-LC,\n", "thiếu cột quota"),
        ("", SCHOOLS, "tệp rỗng"),
    ],
    ids=[
        "extra-cell",
        "bad-decimal",
        "nan",
        "unknown-school",
        "duplicate-applicant",
        "missing-column",
        "same-school-twice",
        "blank-score",
        "priority-zero",
        "negative-quota",
        "duplicate-school",
        "missing-quota-column",
        "empty-file",
    ],
)
def test_unusable_files_exit_2_with_one_line_and_write_nothing(tmp_path, applicants, schools, fragment):
    code, out, stderr = _run(tmp_path, applicants=applicants, schools=schools)
    assert code == 2
    assert fragment in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_missing_file_exits_2(tmp_path):
    (tmp_path / "S.csv").write_text(SCHOOLS, encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(
            "allocate_admissions",
            "--method=score",
            f"--applicants={tmp_path / 'none.csv'}",
            f"--schools={tmp_path / 'S.csv'}",
            f"--out={tmp_path / 'R.csv'}",
            stderr=stderr,
        )
    assert exc.value.code == 2
    assert "none.csv" in stderr.getvalue()


def test_a_bad_argument_from_the_command_line_is_one_line_and_exit_2(tmp_path):
    completed = subprocess.run(
        [
            *[sys.executable, "manage.py", "allocate_admissions", "--method", "xoso"],
            *["--applicants", "A.csv", "--schools", "S.csv", "--out", str(tmp_path / "R.csv")],
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "xoso" in completed.stderr


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.decimals(min_value=-100, max_value=100, places=2)),
            st.one_of(st.none(), st.decimals(min_value=-10, max_value=10, places=3)),
            st.one_of(st.none(), st.integers(1, 5)),
            st.sampled_from(["", "P01", "Xã Phong Hải"]),
            st.lists(st.sampled_from(["A", "B", "C"]), max_size=3, unique=True),
        ),
        max_size=8,
    )
)
def test_published_inputs_read_back_to_the_same_applicants_and_schools(rows):
    schools = [School(code="A", quota=2, catchment_wards=frozenset({"P01", "Xã Phong Hải"})), School(code="B", quota=0)]
    schools.append(School(code="C", quota=1))
    applicants = [
        Applicant(applicant_id=f"{i:03d}", score=s, tiebreak=t, priority=p, ward=w, choices=tuple(c))
        for i, (s, t, p, w, c) in enumerate(rows)
    ]
    a_text, s_text = io.StringIO(), io.StringIO()
    write_applicants(a_text, applicants)
    write_schools(s_text, schools)
    schools_back = read_schools(io.StringIO(s_text.getvalue()))
    assert sorted(schools_back, key=lambda s: s.code) == schools
    back = read_applicants(io.StringIO(a_text.getvalue()), method="catchment", school_codes=["A", "B", "C"])
    assert back == applicants
    assert all(isinstance(a.score, Decimal | None) for a in back)
