from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import ScopedQuerySet
from schools.models import School, SchoolYear


class DataQualityScoreQuerySet(ScopedQuerySet):
    scope_path = "school__org_unit__path"


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

    objects = DataQualityScoreQuerySet.as_manager()

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
