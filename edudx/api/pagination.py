from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=`` and ``?page_size=`` up to 1000 (SPEC §12)."""

    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_page_message = "Trang không tồn tại."
