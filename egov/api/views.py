"""The egov REST API: the public catalogue and dossier status, and the scoped dossier endpoints for staff."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from edudx.api.errors import json_error

from .. import selectors, services
from ..models import Dossier
from ..services import DossierError
from ..services.dossiers import DOSSIER_ROLES
from ..throttles import LOOKUP_THROTTLES
from .filters import DossierFilter
from .serializers import (
    DiplomaVerificationInput,
    DiplomaVerificationOutput,
    DossierOutput,
    ProcedureOutput,
    PublicDossierOutput,
    TransitionInput,
)

CONTACT_HEADER = "X-Applicant-Contact"


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue of procedures, addressed by code."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProcedureOutput
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = None

    def get_queryset(self):
        return selectors.list_procedures(query=self.request.query_params.get("q", ""))

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Từ khóa, có dấu hoặc không dấu")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class PublicDossierViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The public status of a dossier: its receipt code plus the applicant's phone or ID in the
    ``X-Applicant-Contact`` header (a header, so that no personal number lands in a URL or an access log).
    A wrong contact and an unknown code answer the same 404; the lookups are rate-limited per client IP."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = LOOKUP_THROTTLES
    serializer_class = PublicDossierOutput
    lookup_field = "receipt_code"
    lookup_value_regex = "[^/]+"
    queryset = Dossier.objects.none()

    def get_object(self):
        dossier = selectors.track_dossier(
            receipt_code=self.kwargs["receipt_code"], contact=self.request.headers.get(CONTACT_HEADER, "")
        )
        if dossier is None:
            raise Http404
        dossier.history = selectors.public_history(dossier=dossier)
        return dossier

    @extend_schema(
        parameters=[
            OpenApiParameter(
                CONTACT_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Số điện thoại hoặc số định danh của người nộp hồ sơ",
            )
        ],
        responses={200: PublicDossierOutput, 404: OpenApiResponse(description="Không tìm thấy hồ sơ khớp")},
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class DiplomaVerificationViewSet(viewsets.GenericViewSet):
    """Public diploma verification (SPEC §9): number + holder's name + birth date → match or not, nothing else.
    Rate-limited per client IP together with the dossier tracker."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = LOOKUP_THROTTLES
    serializer_class = DiplomaVerificationInput

    @extend_schema(request=DiplomaVerificationInput, responses={200: DiplomaVerificationOutput})
    def create(self, request):
        data = DiplomaVerificationInput(data=request.data)
        data.is_valid(raise_exception=True)
        match = selectors.verify_diploma(**data.validated_data)
        return Response(DiplomaVerificationOutput({"match": match}).data)


class DossierViewSet(viewsets.ReadOnlyModelViewSet):
    """Dossiers of the units the caller processes for (or is the second unit of), addressed by receipt code."""

    serializer_class = DossierOutput
    filterset_class = DossierFilter
    lookup_field = "receipt_code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            Dossier.objects.visible_to(self.request.user, roles=(*DOSSIER_ROLES, "api_token"))
            .select_related("procedure", "org_unit", "second_org_unit", "assigned_to")
            .order_by("due_date", "receipt_code")
        )

    @extend_schema(request=TransitionInput, responses={200: DossierOutput})
    @action(detail=True, methods=["post"])
    def transition(self, request, receipt_code=None):
        """Moves the dossier along the state machine (SPEC §6); a refused move changes nothing and answers 400."""
        dossier = self.get_object()
        if getattr(request.user, "is_api_token", False):
            return json_error(
                _("Khóa API chỉ đọc được hồ sơ; cán bộ xử lý hồ sơ trên cổng."),
                code="permission_denied",
                http_status=403,
            )
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dossier = services.transition_dossier(
                dossier=dossier, to=data.validated_data["to"], by=request.user, comment=data.validated_data["comment"]
            )
        except DossierError as error:
            return json_error(" ".join(error.messages), code="transition_refused")
        return Response(DossierOutput(dossier).data)
