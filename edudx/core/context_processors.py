"""Navigation by role: each person sees the menu entries for the roles they hold, nothing else."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import scope_of

# (label, url name, icon, roles that see it; None = every signed-in user)
MENU = [
    (_("Trang chủ"), "home", "house", None),
    (_("Đơn vị"), "unit-index", "diagram-3", {"department_admin", "department_staff", "unit_staff", "school_admin"}),
    (
        _("Trường học"),
        "school-list",
        "building",
        {"department_admin", "department_staff", "unit_staff", "school_admin", "teacher"},
    ),
    (
        _("Hồ sơ dữ liệu"),
        "student-list",
        "people",
        {"department_admin", "department_staff", "unit_staff", "school_admin", "teacher"},
    ),
    (
        _("Chỉ tiêu"),
        "dashboard",
        "graph-up",
        {"department_admin", "department_staff", "unit_staff", "school_admin"},
    ),
    (
        _("Báo cáo thống kê"),
        "statform-list",
        "file-earmark-spreadsheet",
        {"department_admin", "department_staff", "unit_staff", "school_admin"},
    ),
    (
        _("Chất lượng dữ liệu"),
        "quality-ranking",
        "clipboard-check",
        {"department_admin", "department_staff", "unit_staff", "school_admin"},
    ),
    (
        _("Chuyển đổi số"),
        "maturity-home",
        "speedometer2",
        {"department_admin", "department_staff", "unit_staff", "school_admin"},
    ),
    (
        _("Nhập dữ liệu"),
        "import-list",
        "upload",
        {"school_admin", "unit_staff", "department_admin", "department_staff"},
    ),
    (_("Học liệu"), "learning-library", "journal-bookmark", None),
    (_("Thẩm định học liệu"), "learning-review-queue", "patch-check", {"reviewer"}),
    (_("Tác vụ nền"), "job-list", "hourglass-split", None),
    (_("Khóa API"), "token-list", "key", {"department_admin", "unit_staff"}),
    (
        _("Dịch vụ công"),
        "egov-inbox",
        "inbox",
        {"department_admin", "department_staff", "unit_staff", "school_admin"},
    ),
    (
        _("Tuyển sinh"),
        "admissions-staff-rounds",
        "person-plus",
        {"department_admin", "department_staff", "unit_staff", "school_admin"},
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {"nav_items": []}  # htmx fragments (progress polling) have no menu to draw
    scope = scope_of(user)
    roles = scope.roles()
    items = [
        {
            "label": label,
            "url": reverse(name),
            "icon": icon,
            "active": request.path.startswith(reverse(name)) if name != "home" else request.path == reverse(name),
        }
        for label, name, icon, wanted in MENU
        if wanted is None or scope.unrestricted or roles & wanted
    ]
    is_admin = user.is_superuser or "department_admin" in roles
    return {"nav_items": items, "show_admin_link": is_admin}
