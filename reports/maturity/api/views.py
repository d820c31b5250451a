"""``GET /api/v1/dx-assessments/``: the DX assessments in the caller's scope (SPEC §11, §12)."""

from __future__ import annotations

from rest_framework import mixins, viewsets

from ..models import Assessment
from ..selectors import MATURITY_ROLES
from .filters import AssessmentFilter
from .serializers import AssessmentOutput


class AssessmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Assessments by school code; filter by ``school_year``, ``org_unit`` (its subtree), ``level``, ``status``."""

    serializer_class = AssessmentOutput
    filterset_class = AssessmentFilter
    queryset = Assessment.objects.none()  # for the schema; the real rows come from get_queryset

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user, roles=MATURITY_ROLES)
            .select_related("school__org_unit__parent", "school_year", "criteria_set")
            .order_by("school_year__code", "school__org_unit__code")
        )
