"""Scoped staff endpoints of admissions: rounds and applications (read), reviewing an application (write)."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from .. import selectors, services
from ..models import Application, ApplicationStatus, RoundSchool
from .serializers import ApplicationOutput, ReviewInput, RoundOutput


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Admission rounds the caller organises or whose schools the caller manages, addressed by code."""

    serializer_class = RoundOutput
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        schools = RoundSchool.objects.select_related("school__org_unit").order_by("school__org_unit__code")
        return (
            selectors.list_rounds(visible_to=self.request.user)
            .prefetch_related(Prefetch("schools", queryset=schools))
            .order_by("-applications_open_at", "code")
        )


class ApplicationFilter(filters.FilterSet):
    round = filters.CharFilter(field_name="round__code")
    status = filters.ChoiceFilter(choices=ApplicationStatus.choices)
    result_school = filters.CharFilter(field_name="result_school__school__org_unit__code")

    class Meta:
        model = Application
        fields = ["round", "status", "result_school"]


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications in the caller's scope (the organising unit's, or those listing the caller's school)."""

    serializer_class = ApplicationOutput
    filterset_class = ApplicationFilter
    lookup_field = "receipt_code"
    lookup_value_regex = "[-A-Z0-9]+"

    def get_queryset(self):
        return (
            Application.objects.visible_to(self.request.user, roles=selectors.STAFF_ROLES)
            .select_related(
                "round",
                "ward",
                "choice1__school__org_unit",
                "choice2__school__org_unit",
                "choice3__school__org_unit",
                "result_school__school__org_unit",
            )
            .order_by("submitted_at", "pk")
        )

    @extend_schema(request=ReviewInput, responses={200: ApplicationOutput})
    @action(detail=True, methods=["post"])
    def review(self, request, receipt_code=None):
        """Marks the application valid, or invalid with reasons (staff sessions or write tokens)."""
        application = self.get_object()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            application = services.review_application(
                application=application,
                valid=data.validated_data["status"] == ApplicationStatus.VALID,
                reasons=data.validated_data.get("reasons", ""),
                by=request.user,
            )
        except services.AdmissionError as error:
            raise ValidationError({"detail": error.messages}) from None
        except Application.DoesNotExist as error:
            raise NotFound from error
        application = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationOutput(application).data, status=status.HTTP_200_OK)
