from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from .. import selectors
from ..models import ContentStatus, KnowledgeUnit, Resource
from ..services.resources import create_resource
from ..services.review import submit_for_review
from .filters import KnowledgeUnitFilter, ResourceFilter
from .serializers import KnowledgeUnitOutput, ResourceOutput, ResourceSubmission, SubjectOutput


class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    """The curriculum catalogue's subjects (2018 programme), addressed by code, with the grades they cover."""

    serializer_class = SubjectOutput
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = None

    def get_queryset(self):
        return selectors.catalogue_subjects().prefetch_related("topics")


class KnowledgeUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Knowledge units (đơn vị kiến thức) with their stable codes, topic, subject and grade."""

    serializer_class = KnowledgeUnitOutput
    filterset_class = KnowledgeUnitFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.list_knowledge_units()


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ResourceSubmission, "application/json": ResourceSubmission},
        responses={
            201: ResourceOutput,
            200: OpenApiResponse(ResourceOutput, description="Đã nhận trước đó (cùng external_id)"),
        },
    )
)
class ResourceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Resources the caller may see (published ones unless ``status`` is given), addressed by their identifier.

    POST: an LMS (API token created with ``--write``) submits a resource; it is created in the token's unit and
    sent to the review council at once. It is never published directly. Re-sending the same ``external_id``
    returns the resource already received instead of a copy.
    """

    serializer_class = ResourceOutput
    filterset_class = ResourceFilter
    lookup_field = "uid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = selectors.list_resources(visible_to=self.request.user).prefetch_related("knowledge_units")
        if self.action == "list" and "status" not in self.request.query_params:
            queryset = queryset.filter(status=ContentStatus.PUBLISHED)
        return queryset.order_by("-published_at", "-created_at", "pk")

    def create(self, request, *args, **kwargs):
        submission = ResourceSubmission(data=request.data)
        submission.is_valid(raise_exception=True)
        data = submission.validated_data
        principal = request.user
        token = request.auth if getattr(request.auth, "is_api_token", False) else None
        org_unit = token.org_unit if token is not None else None
        if org_unit is None:
            raise exceptions.PermissionDenied("Chỉ hệ thống LMS dùng khóa API (có quyền ghi) mới gửi học liệu qua API.")
        source = f"LMS: {token.name}"
        if data["external_id"]:
            existing = selectors.list_resources(visible_to=principal).filter(
                source=source, external_id=data["external_id"]
            )
            if existing.exists():
                return Response(self.get_serializer(existing.get()).data, status=status.HTTP_200_OK)
        units: list[KnowledgeUnit] = data["knowledge_units"]
        try:
            with transaction.atomic():
                resource = create_resource(
                    by=principal,
                    org_unit=org_unit,
                    title=data["title"],
                    kind=data["kind"],
                    subject=data["subject"],
                    grade=data["grade"],
                    licence=data["licence"],
                    author=data["author"],
                    audience=data["audience"],
                    description=data["description"],
                    knowledge_units=units,
                    upload=data["file"],
                    link_url=data["link_url"],
                    source=source,
                    external_id=data["external_id"],
                )
                submit_for_review(item=resource, by=principal)
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from error
        except IntegrityError as error:  # a concurrent request with the same external_id won
            existing = Resource.objects.filter(source=source, external_id=data["external_id"]).first()
            if existing is None:
                raise exceptions.ValidationError({"detail": ["Dữ liệu không hợp lệ."]}) from error
            return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
        resource.refresh_from_db()
        return Response(self.get_serializer(resource).data, status=status.HTTP_201_CREATED)
