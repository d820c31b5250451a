"""The learning library: the curriculum catalogue, resources with their review, and the question bank (SPEC §10)."""

from __future__ import annotations

import uuid

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


# ---------------------------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------------------------


class ResourceQuerySet(ScopedQuerySet):
    scope_path = "org_unit__path"

    def visible_to(self, principal, *, roles=None):
        """The owning unit's subtree (and the units above it) sees every state; others see published resources
        whose audience reaches them; a reviewer also sees what is assigned to them. Anonymous: public ones."""
        scope = scope_of(principal)
        if scope.unrestricted:
            return self.all()
        public = Q(status=ContentStatus.PUBLISHED, audience=Resource.Audience.PUBLIC)
        if scope.is_empty:
            return self.filter(public)
        own = scope.q("org_unit__path")
        reaches = (
            Q(audience__in=[Resource.Audience.PUBLIC, Resource.Audience.PROVINCE])
            | Q(audience_path__in=scope_prefixes(scope))
            | scope.q("audience_path")
        )
        condition = own | (Q(status=ContentStatus.PUBLISHED) & reaches)
        user_id = getattr(principal, "pk", None) if not getattr(principal, "is_api_token", False) else None
        if user_id is not None:
            condition |= Q(pk__in=Review.objects.filter(reviewer_id=user_id).values("resource_id"))
        return self.filter(condition)

    def published_visible_to(self, principal):
        """``visible_to(principal).filter(status=PUBLISHED)`` without reading org units, for the search: a published
        row's audience path is always its owning unit or a unit above it (``audience_root``), so when the owning unit
        lies in the principal's scope the audience already reaches the principal. No join means the search's bounded
        read streams straight from the GIN bitmap (the join made the planner read every match first)."""
        scope = scope_of(principal)
        published = self.filter(status=ContentStatus.PUBLISHED)
        if scope.unrestricted:
            return published
        if scope.is_empty:
            return published.filter(audience=Resource.Audience.PUBLIC)
        condition = (
            Q(audience__in=[Resource.Audience.PUBLIC, Resource.Audience.PROVINCE])
            | Q(audience_path__in=scope_prefixes(scope))
            | scope.q("audience_path")
        )
        user_id = getattr(principal, "pk", None) if not getattr(principal, "is_api_token", False) else None
        if user_id is not None:
            condition |= Q(pk__in=Review.objects.filter(reviewer_id=user_id).values("resource_id"))
        return published.filter(condition)


class Resource(models.Model):
    """A learning resource: a file or a link, with licence, author, owning unit, audience and knowledge units."""

    class Kind(models.TextChoices):
        E_LECTURE = "e_lecture", _("Bài giảng điện tử")
        VIDEO = "video", _("Video")
        E_TEXTBOOK = "e_textbook", _("Sách giáo khoa điện tử")
        SIMULATION = "simulation", _("Mô phỏng, thí nghiệm ảo")
        DOCUMENT = "document", _("Tài liệu")
        TEST = "test", _("Đề kiểm tra")

    class Audience(models.TextChoices):
        SCHOOL = "school", _("Trong trường")
        UNIT = "unit", _("Trong đơn vị quản lý")
        PROVINCE = "province", _("Toàn tỉnh")
        PUBLIC = "public", _("Công khai")

    class Licence(models.TextChoices):
        CC_BY = "CC-BY-4.0", "CC BY 4.0"
        CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
        CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
        CC_BY_NC_SA = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
        CC0 = "CC0-1.0", "CC0 1.0"
        RESERVED = "reserved", _("Bảo lưu mọi quyền (dùng trong ngành)")

    uid = models.UUIDField(_("mã học liệu"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("tiêu đề"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    kind = models.CharField(_("loại học liệu"), max_length=16, choices=Kind.choices)
    subject = models.ForeignKey(Subject, verbose_name=_("môn học"), on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("lớp"))
    level = models.CharField(_("cấp học"), max_length=4, choices=SchoolLevel.choices, editable=False)
    knowledge_units = models.ManyToManyField(
        KnowledgeUnit, verbose_name=_("đơn vị kiến thức"), blank=True, related_name="resources"
    )
    licence = models.CharField(_("giấy phép"), max_length=20, choices=Licence.choices)
    author = models.CharField(_("tác giả"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đóng góp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị sở hữu"), on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(_("phạm vi chia sẻ"), max_length=10, choices=Audience.choices)
    # Path of the unit whose subtree the audience is (the school, its management unit, the province root).
    audience_path = models.CharField(max_length=255, editable=False, db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ContentStatus.choices, default=ContentStatus.DRAFT, db_index=True
    )
    source = models.CharField(_("nguồn"), max_length=120, blank=True)  # "LMS: <token name>" for LMS submissions
    external_id = models.CharField(_("mã ở hệ thống nguồn"), max_length=120, blank=True)
    # Lower-case, accent-free (đ → d) text of title, description, author, subject, grade and knowledge units.
    search_text = models.TextField(editable=False, default="")
    takedown_reason = models.TextField(_("lý do gỡ"), blank=True)
    # The version shown outside the owning unit: set when a review publishes. A newer version stays with its unit
    # and its reviewers (``revision_status``) while this one keeps serving, until the council approves it.
    published_number = models.PositiveIntegerField(_("phiên bản đang xuất bản"), null=True, blank=True)
    revision_status = models.CharField(
        _("trạng thái phiên bản mới"),
        max_length=20,
        choices=ContentStatus.choices,
        blank=True,
        default="",
        db_default="",
    )
    submitted_at = models.DateTimeField(_("gửi thẩm định lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("xuất bản lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("học liệu")
        verbose_name_plural = _("học liệu")
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=12), name="resource_grade_1_to_12"),
            models.CheckConstraint(condition=~Q(title=""), name="resource_titled"),
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="one_resource_per_lms_id"
            ),
            models.CheckConstraint(
                condition=Q(revision_status="") | Q(status=ContentStatus.PUBLISHED),
                name="resource_revision_only_while_published",
            ),
        ]
        indexes = [models.Index(fields=["status", "subject", "grade"], name="resource_facets")]

    def __str__(self) -> str:
        return self.title


def _resource_file_name(instance: ResourceVersion, filename: str) -> str:
    # A random name, no extension, outside any served folder: the original name is kept only in the row.
    return f"learning/resources/{uuid.uuid4().hex}"


class ResourceVersion(models.Model):
    """One version of a resource: an uploaded file (type sniffed from its content) or a link."""

    INLINE_TYPES = (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/webm",
        "audio/mpeg",
    )

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    file = models.FileField(_("tệp"), upload_to=_resource_file_name, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("loại nội dung"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    link_url = models.URLField(_("đường dẫn"), max_length=1000, blank=True)
    note = models.CharField(_("ghi chú phiên bản"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        verbose_name = _("phiên bản học liệu")
        verbose_name_plural = _("phiên bản học liệu")
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="one_version_number_per_resource"),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link_url="")) | (~Q(file="") & Q(link_url="")), name="version_file_xor_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"

    @property
    def previewable(self) -> str:
        """ "pdf", "image", "video", "audio" or "" (download only)."""
        if not self.file or self.content_type not in self.INLINE_TYPES:
            return ""
        return "pdf" if self.content_type == "application/pdf" else self.content_type.split("/")[0]


# ---------------------------------------------------------------------------------------------------------------
# Review council
# ---------------------------------------------------------------------------------------------------------------


class CouncilMember(models.Model):
    """A reviewer of the subject council for one subject and school level."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, verbose_name=_("môn học"), on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("cấp học"), max_length=4, choices=SchoolLevel.choices)
    is_active = models.BooleanField(_("đang tham gia"), default=True)

    class Meta:
        verbose_name = _("thành viên hội đồng thẩm định")
        verbose_name_plural = _("thành viên hội đồng thẩm định")
        constraints = [
            models.UniqueConstraint(fields=["user", "subject", "level"], name="one_council_seat_per_subject_level")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.subject} {self.level}"


class Review(models.Model):
    """A reviewer's assignment on a resource or a question in one review round, and their verdict."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Đồng ý xuất bản")
        CHANGES = "changes", _("Yêu cầu chỉnh sửa")
        REJECT = "reject", _("Không duyệt")

    RUBRIC = (
        ("accuracy", _("Chính xác về nội dung, kiến thức")),
        ("curriculum", _("Phù hợp chương trình, mức độ và đối tượng")),
        ("pedagogy", _("Phương pháp, tính sư phạm")),
        ("presentation", _("Trình bày, chất lượng kỹ thuật")),
        ("legal", _("Bản quyền và tính pháp lý")),
    )

    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("lượt thẩm định"), default=1)
    decision = models.CharField(_("kết luận"), max_length=10, choices=Decision.choices, blank=True)
    scores = models.JSONField(_("điểm theo tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("nhận xét"), blank=True)
    assigned_at = models.DateTimeField(_("phân công lúc"), auto_now_add=True)
    decided_at = models.DateTimeField(_("kết luận lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("phiếu thẩm định")
        verbose_name_plural = _("phiếu thẩm định")
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=False, question__isnull=True)
                | Q(resource__isnull=True, question__isnull=False),
                name="review_of_one_item",
            ),
            models.UniqueConstraint(fields=["resource", "reviewer", "round"], name="one_review_per_resource_round"),
            models.UniqueConstraint(fields=["question", "reviewer", "round"], name="one_review_per_question_round"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.resource or self.question} ({self.round})"

    @property
    def item(self) -> Resource | Question:
        return self.resource if self.resource_id else self.question  # type: ignore[return-value]

    @property
    def average(self) -> float | None:
        values = [v for v in self.scores.values() if isinstance(v, int | float)]
        return sum(values) / len(values) if values else None
