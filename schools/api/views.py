from rest_framework import viewsets

from .. import selectors
from .filters import OrgUnitFilter, SchoolFilter
from .serializers import OrgUnitOutput, SchoolOutput


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Org units in the caller's scope, addressed by code."""

    serializer_class = OrgUnitOutput
    filterset_class = OrgUnitFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.list_org_units(visible_to=self.request.user).order_by("path")


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    """Schools in the caller's scope, addressed by code; ``org_unit`` is the managing unit's code."""

    serializer_class = SchoolOutput
    filterset_class = SchoolFilter
    lookup_field = "org_unit__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.list_schools(visible_to=self.request.user).order_by("org_unit__code")
