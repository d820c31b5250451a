"""The learning library: the curriculum catalogue, resources with their review, and the question bank (SPEC §10)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------------------------------------------
# Curriculum catalogue: subject → grade → topic → knowledge unit (the 2018 general-education programme)
# ---------------------------------------------------------------------------------------------------------------


class SchoolLevel(models.TextChoices):
    TH = "TH", _("Tiểu học")
    THCS = "THCS", _("Trung học cơ sở")
    THPT = "THPT", _("Trung học phổ thông")


def level_of_grade(grade: int) -> str:
    """The school level a grade belongs to: 1–5 TH, 6–9 THCS, 10–12 THPT."""
    if grade <= 5:
        return SchoolLevel.TH
    if grade <= 9:
        return SchoolLevel.THCS
    return SchoolLevel.THPT


class Subject(models.Model):
    """A subject of the programme (Toán, Ngữ văn, …) with a stable code."""

    code = models.CharField(_("mã môn"), max_length=32, unique=True)
    name = models.CharField(_("tên môn"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("môn học")
        verbose_name_plural = _("môn học")
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="subject_code_not_blank")]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A topic (chủ đề / chương) of one subject in one grade."""

    subject = models.ForeignKey(Subject, verbose_name=_("môn học"), on_delete=models.PROTECT, related_name="topics")
    grade = models.PositiveSmallIntegerField(_("lớp"))
    code = models.CharField(_("mã chủ đề"), max_length=48, unique=True)
    name = models.CharField(_("tên chủ đề"), max_length=255)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["subject__name", "grade", "position", "code"]
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=12), name="topic_grade_1_to_12"),
            models.CheckConstraint(condition=~Q(code=""), name="topic_code_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def level(self) -> str:
        return level_of_grade(self.grade)


class KnowledgeUnit(models.Model):
    """A knowledge unit (đơn vị kiến thức): what resources and questions are tagged with."""

    topic = models.ForeignKey(Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("mã đơn vị kiến thức"), max_length=64, unique=True)
    name = models.CharField(_("tên đơn vị kiến thức"), max_length=255)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["topic__code", "position", "code"]
        verbose_name = _("đơn vị kiến thức")
        verbose_name_plural = _("đơn vị kiến thức")
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="knowledge_unit_code_not_blank")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
