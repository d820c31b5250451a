import django_filters
from django.utils.translation import gettext_lazy as _

from .api.filters import LEVEL_CHOICES
from .models import School


class SchoolListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo mã hoặc tên"), method="filter_q")
    level = django_filters.ChoiceFilter(
        label=_("Cấp học"), choices=LEVEL_CHOICES, method="filter_level", empty_label=_("Tất cả cấp học")
    )
    area = django_filters.ChoiceFilter(label=_("Khu vực"), choices=School.Area.choices, empty_label=_("Tất cả khu vực"))
    ownership = django_filters.ChoiceFilter(
        label=_("Loại hình"), choices=School.Ownership.choices, empty_label=_("Tất cả loại hình")
    )

    class Meta:
        model = School
        fields = ["q", "level", "area", "ownership"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(org_unit__code__icontains=value) | Q(org_unit__name__icontains=value))

    def filter_level(self, queryset, name, value):
        return queryset.filter(**{f"level_{value.lower()}": True})
