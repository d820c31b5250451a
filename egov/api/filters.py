import django_filters

from ..models import OPEN, Dossier, DossierStatus


class DossierFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("open", "Đang giải quyết"), *DossierStatus.choices], method="filter_status"
    )
    procedure = django_filters.CharFilter(field_name="procedure__code", label="Mã thủ tục")
    org_unit = django_filters.CharFilter(field_name="org_unit__code", label="Mã đơn vị giải quyết")
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte", label="Nộp từ ngày")
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label="Nộp đến ngày"
    )
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Hạn đến ngày")

    class Meta:
        model = Dossier
        fields = ["status", "procedure", "org_unit", "channel"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=OPEN) if value == "open" else queryset.filter(status=value)
