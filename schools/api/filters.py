import django_filters
from django.db.models import Q

from ..models import OrgUnit, School

LEVEL_CHOICES = [(level, level) for level in School.LEVELS]


class OrgUnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="Mã đơn vị cấp trên")
    within = django_filters.CharFilter(method="filter_within", label="Mã đơn vị: chỉ các đơn vị thuộc cây con")
    q = django_filters.CharFilter(method="filter_q", label="Tìm theo mã hoặc tên")

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent", "is_active"]

    def filter_within(self, queryset, name, value):
        root = OrgUnit.objects.filter(code=value.upper()).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=root) if root else queryset.none()

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class SchoolFilter(django_filters.FilterSet):
    org_unit = django_filters.CharFilter(method="filter_org_unit", label="Mã đơn vị quản lý (cả cây con)")
    level = django_filters.ChoiceFilter(choices=LEVEL_CHOICES, method="filter_level", label="Cấp học")
    area = django_filters.ChoiceFilter(choices=School.Area.choices)
    ownership = django_filters.ChoiceFilter(choices=School.Ownership.choices)
    q = django_filters.CharFilter(method="filter_q", label="Tìm theo mã hoặc tên")

    class Meta:
        model = School
        fields = ["org_unit", "level", "area", "ownership"]

    def filter_org_unit(self, queryset, name, value):
        root = OrgUnit.objects.filter(code=value.upper()).values_list("path", flat=True).first()
        return queryset.filter(org_unit__path__startswith=root) if root else queryset.none()

    def filter_level(self, queryset, name, value):
        return queryset.filter(**{f"level_{value.lower()}": True})

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(org_unit__code__icontains=value) | Q(org_unit__name__icontains=value))
