"""The learning library: the curriculum catalogue, resources with their review, and the question bank (SPEC §10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.scoping import Scope, ScopedQuerySet, scope_of
from schools.models import OrgUnit

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


# ---------------------------------------------------------------------------------------------------------------
# Shared by resources and questions: the review workflow's states and the audience a piece of content reaches
# ---------------------------------------------------------------------------------------------------------------


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    IN_REVIEW = "in_review", _("Đang thẩm định")
    CHANGES_REQUESTED = "changes_requested", _("Cần chỉnh sửa")
    PUBLISHED = "published", _("Đã duyệt và xuất bản")
    REJECTED = "rejected", _("Không duyệt")
    TAKEN_DOWN = "taken_down", _("Đã gỡ")


class CognitiveLevel(models.TextChoices):
    RECOGNITION = "nhan_biet", _("Nhận biết")
    COMPREHENSION = "thong_hieu", _("Thông hiểu")
    APPLICATION = "van_dung", _("Vận dụng")
    HIGH_APPLICATION = "van_dung_cao", _("Vận dụng cao")


def _prefixes(path: str) -> list[str]:
    """ "/1/4/27/" → ["/1/", "/1/4/", "/1/4/27/"]: the paths of a unit and of every unit above it."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def scope_prefixes(scope: Scope) -> list[str]:
    """Every path at or above one of the scope's grants: content owned there is shared downwards to the principal."""
    return sorted({prefix for grant in scope.grants for prefix in _prefixes(grant.path)})


# ---------------------------------------------------------------------------------------------------------------
# Question bank
# ---------------------------------------------------------------------------------------------------------------


class QuestionBankQuerySet(ScopedQuerySet):
    scope_path = "org_unit__path"

    def visible_to(self, principal, *, roles=None):
        """A bank is seen inside its unit's subtree (a department bank by the whole province) and above it."""
        scope = scope_of(principal)
        if scope.unrestricted:
            return self.all()
        return self.filter(scope.q("org_unit__path") | Q(org_unit__path__in=scope_prefixes(scope)))


class QuestionBank(models.Model):
    """A named collection of questions with categories (Moodle's question bank of a course)."""

    DEFAULT_NAME = "Ngân hàng chung"

    name = models.CharField(_("tên ngân hàng"), max_length=200, unique=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị sở hữu"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("mô tả"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = QuestionBankQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("ngân hàng câu hỏi")
        verbose_name_plural = _("ngân hàng câu hỏi")
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="question_bank_named")]

    def __str__(self) -> str:
        return self.name


class QuestionCategory(models.Model):
    """A category of a bank, written as a path ("$course$/Đại số/Phân số") like Moodle's."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="categories")
    path = models.CharField(_("đường dẫn danh mục"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    idnumber = models.CharField(_("mã danh mục"), max_length=100, blank=True)

    class Meta:
        ordering = ["bank", "path"]
        verbose_name = _("danh mục câu hỏi")
        verbose_name_plural = _("danh mục câu hỏi")
        constraints = [models.UniqueConstraint(fields=["bank", "path"], name="one_category_per_path")]

    def __str__(self) -> str:
        return self.path


class QuestionQuerySet(ScopedQuerySet):
    scope_path = "bank__org_unit__path"

    def visible_to(self, principal, *, roles=None):
        """Questions are seen where their bank is; outside the bank's own unit only once published."""
        scope = scope_of(principal)
        if scope.unrestricted:
            return self.all()
        own = scope.q("bank__org_unit__path")
        shared = Q(bank__org_unit__path__in=scope_prefixes(scope), status=ContentStatus.PUBLISHED)
        return self.filter(own | shared)


class Question(models.Model):
    """A question of a bank; its answers are rows of ``Answer`` (for matching: subquestion → answer pairs)."""

    class Type(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Trắc nghiệm một đáp án")
        MULTIPLE_CHOICE = "multiple_choice", _("Trắc nghiệm nhiều đáp án")
        TRUE_FALSE = "true_false", _("Đúng/Sai")
        SHORT_ANSWER = "short_answer", _("Trả lời ngắn")
        NUMERICAL = "numerical", _("Số")
        MATCHING = "matching", _("Ghép đôi")
        ESSAY = "essay", _("Tự luận")

    class TextFormat(models.TextChoices):
        HTML = "html", "HTML"
        MOODLE = "moodle_auto_format", _("Định dạng Moodle")
        PLAIN = "plain_text", _("Văn bản thuần")
        MARKDOWN = "markdown", "Markdown"

    bank = models.ForeignKey(QuestionBank, verbose_name=_("ngân hàng"), on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("danh mục"), on_delete=models.PROTECT, related_name="questions"
    )
    name = models.CharField(_("tên câu hỏi"), max_length=255)
    qtype = models.CharField(_("dạng câu hỏi"), max_length=20, choices=Type.choices)
    text = models.TextField(_("nội dung câu hỏi"))
    text_format = models.CharField(_("định dạng"), max_length=20, choices=TextFormat.choices, default=TextFormat.HTML)
    general_feedback = models.TextField(_("phản hồi chung"), blank=True)
    default_grade = models.DecimalField(_("điểm mặc định"), max_digits=8, decimal_places=4, default=1)
    penalty = models.DecimalField(_("hệ số trừ điểm"), max_digits=8, decimal_places=7, default=0)
    level = models.CharField(_("mức độ nhận thức"), max_length=16, choices=CognitiveLevel.choices, blank=True)
    knowledge_units = models.ManyToManyField(
        KnowledgeUnit, verbose_name=_("đơn vị kiến thức"), blank=True, related_name="questions"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ContentStatus.choices, default=ContentStatus.DRAFT, db_index=True
    )
    tags = models.JSONField(_("thẻ khác"), default=list, blank=True)  # interchange tags we do not interpret
    # SHA-256 of the question's content: importing the same file twice adds nothing the second time.
    fingerprint = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category__path", "pk"]
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        constraints = [models.UniqueConstraint(fields=["bank", "fingerprint"], name="question_once_per_bank")]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """One answer (choice, accepted text, number with tolerance) or, for matching, one subquestion → answer pair."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("đáp án"), blank=True)
    fraction = models.DecimalField(_("tỷ lệ điểm (%)"), max_digits=9, decimal_places=5, default=0)
    feedback = models.TextField(_("phản hồi"), blank=True)
    tolerance = models.DecimalField(_("sai số cho phép"), max_digits=20, decimal_places=10, null=True, blank=True)
    match = models.TextField(_("vế ghép"), blank=True)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("đáp án")
        verbose_name_plural = _("đáp án")
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="one_answer_per_position"),
            models.CheckConstraint(condition=Q(fraction__gte=-100, fraction__lte=100), name="fraction_within_100"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class TestBlueprint(models.Model):
    """A test blueprint (ma trận đề): how many questions of each topic at each cognitive level."""

    name = models.CharField(_("tên ma trận đề"), max_length=200)
    bank = models.ForeignKey(QuestionBank, verbose_name=_("ngân hàng"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    duration_minutes = models.PositiveSmallIntegerField(_("thời gian làm bài (phút)"), default=45)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ma trận đề")
        verbose_name_plural = _("ma trận đề")

    def __str__(self) -> str:
        return self.name


class BlueprintCell(models.Model):
    blueprint = models.ForeignKey(TestBlueprint, on_delete=models.CASCADE, related_name="cells")
    topic = models.ForeignKey(Topic, verbose_name=_("chủ đề"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("mức độ"), max_length=16, choices=CognitiveLevel.choices)
    count = models.PositiveSmallIntegerField(_("số câu"))

    class Meta:
        ordering = ["blueprint", "topic__code", "level"]
        verbose_name = _("ô ma trận đề")
        verbose_name_plural = _("ô ma trận đề")
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "topic", "level"], name="one_cell_per_topic_and_level"),
            models.CheckConstraint(condition=Q(count__gte=1), name="cell_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.topic.code} {self.level} × {self.count}"
