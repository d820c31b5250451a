"""The school digital-transformation self-assessment (Decision 4725/QĐ-BGDĐT, 2022; SPEC §11).

A ``CriteriaSet`` (versioned data, never code) holds the ``Criterion`` rows of two groups, each worth 100 points.
A school's ``Assessment`` for a school year scores every criterion (``AssessmentItem``), keeps its evidence
files (``Evidence``) and every move of its workflow (``AssessmentTransition``). Totals and levels are stored by
``reports.maturity.services`` whenever points change, so lists and the API read them without recomputing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import ScopedQuerySet
from schools.models import School, SchoolDataQuerySet, SchoolYear


class Group(models.TextChoices):
    TEACHING = "teaching", _("Chuyển đổi số trong dạy, học")
    MANAGEMENT = "management", _("Chuyển đổi số trong quản trị nhà trường")


class Level(models.IntegerChoices):
    ONE = 1, _("Mức độ 1")
    TWO = 2, _("Mức độ 2")
    THREE = 3, _("Mức độ 3")


class CriteriaSet(models.Model):
    """One version of a criteria set (e.g. Decision 4725's); assessments keep the version they were made with."""

    code = models.CharField(_("mã bộ tiêu chí"), max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("bộ tiêu chí chuyển đổi số")
        verbose_name_plural = _("bộ tiêu chí chuyển đổi số")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="maturity_one_criteria_set_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="maturity_criteria_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Criterion(models.Model):
    """A criterion of a set: its group, points, whether evidence is required and, when EduDX can measure it,
    the key of the measure that pre-fills it (``reports.maturity.scoring.MEASURES``)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.CharField(_("nhóm"), max_length=16, choices=Group.choices)
    code = models.CharField(_("mã tiêu chí"), max_length=16)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    component = models.CharField(_("thành phần"), max_length=200, blank=True)
    text = models.TextField(_("nội dung tiêu chí"))
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("điểm tối đa"))
    evidence_required = models.BooleanField(_("cần minh chứng"), default=True)
    measure = models.CharField(_("số liệu đo được"), max_length=40, blank=True)

    class Meta:
        ordering = ["criteria_set", "group", "order", "code"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="maturity_unique_criterion_code"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="maturity_criterion_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_points})"


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã nộp, chờ thẩm định")
    RETURNED = "returned", _("Cần bổ sung minh chứng")
    VERIFIED = "verified", _("Đã thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class Assessment(models.Model):
    """A school's self-assessment for one school year, its verification and the resulting level."""

    school = models.ForeignKey(
        School, verbose_name=_("trường"), on_delete=models.CASCADE, related_name="dx_assessments"
    )
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("năm học"), on_delete=models.PROTECT, related_name="+")
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    teaching_score = models.DecimalField(_("điểm dạy, học"), max_digits=5, decimal_places=2, default=0)
    management_score = models.DecimalField(_("điểm quản trị"), max_digits=5, decimal_places=2, default=0)
    teaching_level = models.PositiveSmallIntegerField(_("mức độ dạy, học"), choices=Level.choices, default=Level.ONE)
    management_level = models.PositiveSmallIntegerField(_("mức độ quản trị"), choices=Level.choices, default=Level.ONE)
    level = models.PositiveSmallIntegerField(_("mức độ của trường"), choices=Level.choices, default=Level.ONE)
    # The department reopened submission after the deadline: the school may submit until this date.
    reopened_until = models.DateField(_("mở lại đến ngày"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    verified_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SchoolDataQuerySet.as_manager()

    class Meta:
        ordering = ["school__org_unit__code"]
        verbose_name = _("đánh giá chuyển đổi số")
        verbose_name_plural = _("đánh giá chuyển đổi số")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="maturity_one_assessment_per_school_year"),
            models.CheckConstraint(
                condition=Q(teaching_score__gte=0, teaching_score__lte=100)
                & Q(management_score__gte=0, management_score__lte=100),
                name="maturity_scores_within_100",
            ),
            models.CheckConstraint(
                condition=Q(level__lte=models.F("teaching_level")) & Q(level__lte=models.F("management_level")),
                name="maturity_level_is_the_lower_group_level",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "status", "level"], name="maturity_year_status_level")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.school_year_id}: {self.get_status_display()}"


class AssessmentRowQuerySet(ScopedQuerySet):
    """Rows of an assessment (items, evidence): scoped by the assessment's school."""

    scope_path = "assessment__school__org_unit__path"


class AssessmentItem(models.Model):
    """The points of one criterion: pre-filled from stored indicator values where measurable, the school's own
    figure (an override of the pre-fill needs a justification), and the verifier's adjustment with its comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    prefill_points = models.DecimalField(_("điểm theo số liệu"), max_digits=5, decimal_places=2, null=True, blank=True)
    prefill = models.JSONField(_("số liệu đo được"), default=dict, blank=True)
    self_points = models.DecimalField(_("điểm tự đánh giá"), max_digits=5, decimal_places=2, null=True, blank=True)
    justification = models.TextField(_("giải trình"), blank=True)
    verified_points = models.DecimalField(
        _("điểm sau thẩm định"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    verifier_comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = AssessmentRowQuerySet.as_manager()

    class Meta:
        ordering = ["criterion__group", "criterion__order", "criterion__code"]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="maturity_one_item_per_criterion"),
            models.CheckConstraint(
                condition=(Q(self_points__isnull=True) | Q(self_points__gte=0))
                & (Q(verified_points__isnull=True) | Q(verified_points__gte=0))
                & (Q(prefill_points__isnull=True) | Q(prefill_points__gte=0)),
                name="maturity_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id}"

    @property
    def points(self):
        """What counts: the verifier's figure once adjusted, else the school's."""
        return self.verified_points if self.verified_points is not None else self.self_points


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random name under ``MEDIA_ROOT/maturity/`` (private storage, never served by URL); the user's file name
    is kept only in ``original_name`` and never touches the file system."""
    return f"maturity/evidence/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class Evidence(models.Model):
    """A file attached as evidence to one criterion of an assessment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = AssessmentRowQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "sha256"], name="maturity_same_file_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp kết quả tự đánh giá")
    REQUEST_EVIDENCE = "request_evidence", _("Yêu cầu bổ sung minh chứng")
    VERIFY = "verify", _("Thẩm định")
    PUBLISH = "publish", _("Công bố mức độ")
    REOPEN = "reopen", _("Mở lại")


class AssessmentTransition(models.Model):
    """One move of the workflow: who, when, from which status to which, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("sang trạng thái"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_status} → {self.to_status}"
