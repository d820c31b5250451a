from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import ScopedQuerySet
from schools.models import OrgUnit, School, SchoolDataQuerySet, SchoolYear


class DataQualityScore(models.Model):
    """How trustworthy a school's registry is in a school year (SPEC §3.4), stored by ``reports.quality``.

    Each component is the percentage of records without that kind of problem, or NULL when the school has no
    record the check applies to (no data is not 0 %). ``issues`` holds the problem counts per kind of record:
    ``{"students": {"records": 400, "invalid_id": 3, ...}, "staff": {...}, "facilities": {...}}``.
    """

    school = models.ForeignKey(
        School, verbose_name=_("trường"), on_delete=models.CASCADE, related_name="quality_scores"
    )
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    correct = models.DecimalField(_("đúng (%)"), max_digits=4, decimal_places=1, null=True, blank=True)
    complete = models.DecimalField(_("đủ (%)"), max_digits=4, decimal_places=1, null=True, blank=True)
    clean = models.DecimalField(_("sạch (%)"), max_digits=4, decimal_places=1, null=True, blank=True)
    alive = models.DecimalField(_("sống (%)"), max_digits=4, decimal_places=1, null=True, blank=True)
    score = models.DecimalField(_("điểm chất lượng"), max_digits=4, decimal_places=1, null=True, blank=True)
    record_count = models.PositiveIntegerField(_("số bản ghi"), default=0)
    issues = models.JSONField(_("số lỗi theo loại"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm chất lượng dữ liệu")
        verbose_name_plural = _("điểm chất lượng dữ liệu")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="one_quality_score_per_school_year"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
                    name=f"quality_{field}_is_a_percentage",
                )
                for field in ("correct", "complete", "clean", "alive", "score")
            ),
        ]
        indexes = [models.Index(fields=["school_year", "score"], name="quality_year_score")]

    def __str__(self) -> str:
        return f"{self.school.code} {self.school_year.code}: {self.score if self.score is not None else '—'}"


class IndicatorValue(models.Model):
    """A plan indicator's value for one org unit (school, management unit or province) in one school year.

    Stored by ``reports.indicators.compute_indicators`` so that dashboards and the API read without recomputing.
    A unit's numerator and denominator are the sums of its schools' (never an average of percentages); a zero
    denominator is "no data": ``value`` is NULL, not 0 %.
    """

    indicator = models.CharField(_("chỉ tiêu"), max_length=64)  # the stable code of SPEC §4
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="indicator_values"
    )
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    numerator = models.DecimalField(_("tử số"), max_digits=20, decimal_places=2)
    denominator = models.DecimalField(_("mẫu số"), max_digits=20, decimal_places=2)
    value = models.DecimalField(_("giá trị (%)"), max_digits=7, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    objects = ScopedQuerySet.as_manager()  # rows of an org unit: scope by its path

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org_unit", "school_year"], name="one_value_per_indicator_unit_year"
            ),
            models.CheckConstraint(condition=Q(denominator__gte=0), name="indicator_denominator_not_negative"),
            models.CheckConstraint(
                condition=Q(value__isnull=True, denominator=0) | Q(denominator__gt=0, value__isnull=False),
                name="indicator_value_null_exactly_when_no_data",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "indicator"], name="indicator_year_code")]

    def __str__(self) -> str:
        shown = f"{self.value} %" if self.value is not None else "—"
        return f"{self.indicator} {self.org_unit_id} {self.school_year_id}: {shown}"
