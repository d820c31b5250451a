"""Demo DX self-assessments for ``seed_demo``: Decision 4725's criteria set, and up to ``LIMIT`` schools'
assessments spread over every status (deterministic and idempotent: a school that already has an assessment
for the year is left as it is). Run after the indicators are computed, so the pre-fill has figures to read."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

from edudx.core.jobs import SYSTEM
from people.models import RoleAssignment
from schools.models import School, SchoolYear

from . import criteria_4725, services
from .loader import load_criteria_set
from .models import Assessment, Status
from .selectors import CONCERNED_SCHOOLS

SEED = 4725
LIMIT = 40
# The order of the states handed out round-robin; drafts first so the demo school officer's school is a draft.
STATES = (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED, Status.VERIFIED, Status.RETURNED, Status.PUBLISHED)
DEMO_OFFICERS = ("truong.admin", "truong2.admin")
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_maturity(*, school_year: SchoolYear, limit: int = LIMIT) -> Counter[str]:
    created: Counter[str] = Counter()
    load_criteria_set(definition=criteria_4725.DEFINITION)
    rng = random.Random(SEED)
    done = set(Assessment.objects.filter(school_year=school_year).values_list("school_id", flat=True))
    schools = list(
        School.objects.filter(CONCERNED_SCHOOLS, org_unit__is_active=True)
        .select_related("org_unit")
        .order_by("org_unit__code")[:limit]
    )
    # The demo school officers' schools are drafts, pre-filled, for them to try the form (a preschool is not
    # assessed with Decision 4725's set: the second officer's preschool gets none).
    officers = set(
        RoleAssignment.objects.filter(user__username__in=DEMO_OFFICERS, role="school_admin").values_list(
            "org_unit_id", flat=True
        )
    )
    schools += list(School.objects.filter(CONCERNED_SCHOOLS, pk__in=officers - {s.pk for s in schools}))
    for index, school in enumerate(schools):
        if school.pk in done:
            continue
        state = Status.DRAFT if school.pk in officers else STATES[index % len(STATES)]
        _seed_one(school=school, school_year=school_year, state=state, rng=rng)
        created["dx_assessments"] += 1
    return created


def _seed_one(*, school: School, school_year: SchoolYear, state: str, rng: random.Random) -> None:
    assessment = services.start_assessment(school=school, school_year=school_year, by=SYSTEM)
    share = Decimal(rng.choice(("0.3", "0.45", "0.6", "0.7", "0.85", "0.95")))
    deadline = services.submission_deadline(school_year)
    for item in assessment.items.select_related("criterion"):
        criterion = item.criterion
        if item.self_points is None:
            points = (Decimal(criterion.max_points) * share).quantize(Decimal("0.5"))
            services.score_item(
                assessment=assessment,
                criterion_code=criterion.code,
                points=points,
                justification="Số liệu minh họa" if item.prefill_points is not None else "",
                by=SYSTEM,
            )
        if criterion.evidence_required and state != Status.DRAFT:
            services.attach_evidence(
                assessment=assessment,
                criterion_code=criterion.code,
                name=f"minh-chung-{criterion.code}.pdf",
                content=DEMO_PDF + f"{school.code} {criterion.code}".encode(),
                by=SYSTEM,
            )
    if state == Status.DRAFT:
        return
    services.submit_assessment(assessment=assessment, by=SYSTEM, today=deadline)
    if state == Status.RETURNED:
        services.request_more_evidence(
            assessment=assessment, by=SYSTEM, comment="Bổ sung biên bản kiểm tra phòng Tin học và ảnh chụp thiết bị."
        )
    elif state in (Status.VERIFIED, Status.PUBLISHED):
        services.verify_assessment(assessment=assessment, by=SYSTEM, comment="Đã đối chiếu minh chứng.")
        if state == Status.PUBLISHED:
            services.publish_assessment(assessment=assessment, by=SYSTEM)
