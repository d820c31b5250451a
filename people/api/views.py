from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .. import selectors, services
from .serializers import ApiTokenCreatedOutput, ApiTokenInput, ApiTokenOutput


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """API tokens of the units the signed-in user manages. Tokens cannot manage tokens."""

    serializer_class = ApiTokenOutput

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(request.user, "is_api_token", False):
            raise PermissionDenied("Khóa API không được dùng để quản lý khóa API; hãy đăng nhập.")

    def get_queryset(self):
        return selectors.list_api_tokens(visible_to=self.request.user)

    @extend_schema(request=ApiTokenInput, responses={201: ApiTokenCreatedOutput})
    def create(self, request):
        units = selectors.token_units(visible_to=request.user)
        data = ApiTokenInput(data=request.data, units=units)
        data.is_valid(raise_exception=True)
        token, key = services.create_api_token(**data.validated_data, by=request.user)
        token.key = key
        return Response(ApiTokenCreatedOutput(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiTokenOutput)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.revoke_api_token(token=self.get_object())
        return Response(ApiTokenOutput(token).data)
