"""JSON errors a person can act on, in Vietnamese; never a traceback, never a 500 for the caller's mistake."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

MESSAGES = {
    exceptions.NotAuthenticated: "Chưa xác thực: đăng nhập hoặc gửi tiêu đề 'Authorization: Token <khóa>'.",
    exceptions.AuthenticationFailed: "Xác thực không thành công: khóa API sai, đã bị thu hồi hoặc tài khoản bị khóa.",
    exceptions.PermissionDenied: "Bạn không có quyền thực hiện thao tác này.",
    exceptions.NotFound: "Không tìm thấy đối tượng, hoặc đối tượng nằm ngoài phạm vi của bạn.",
    exceptions.MethodNotAllowed: "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
    exceptions.NotAcceptable: "Định dạng phản hồi yêu cầu không được hỗ trợ; dùng application/json.",
    exceptions.UnsupportedMediaType: (
        "Kiểu dữ liệu gửi lên không được hỗ trợ; dùng application/json hoặc multipart/form-data."
    ),
    exceptions.ParseError: "Dữ liệu gửi lên không đọc được (JSON không hợp lệ).",
}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        response.data = {"detail": f"Quá nhiều yêu cầu; thử lại sau {wait} giây.", "code": "throttled"}
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": "Dữ liệu không hợp lệ; xem chi tiết từng trường trong 'errors'.",
            "code": "invalid",
            "errors": response.data,
        }
        return response
    detail = exc.detail if isinstance(exc.detail, str) else None
    custom = detail is not None and str(detail) != str(exc.default_detail)
    for kind, message in MESSAGES.items():
        if isinstance(exc, kind):
            response.data = {"detail": str(detail) if custom else message, "code": exc.default_code}
            break
    return response


def json_error(message: str, *, code: str, http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": message, "code": code}, status=http_status)
