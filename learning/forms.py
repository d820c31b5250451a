from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import OrgUnit

from .models import CognitiveLevel, KnowledgeUnit, Resource, Review, Subject
from .services.questions import FORMATS

FORMAT_CHOICES = [("moodlexml", "Moodle XML"), ("gift", "GIFT"), ("aiken", "Aiken")]
assert [code for code, _label in FORMAT_CHOICES] == list(FORMATS)


class ResourceForm(forms.Form):
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị sở hữu"))
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(label=_("Loại học liệu"), choices=Resource.Kind.choices)
    subject = forms.ModelChoiceField(queryset=Subject.objects.order_by("name"), label=_("Môn học"))
    grade = forms.TypedChoiceField(label=_("Lớp"), coerce=int, choices=[(g, str(g)) for g in range(1, 13)])
    knowledge_units = forms.ModelMultipleChoiceField(
        queryset=KnowledgeUnit.objects.select_related("topic").order_by("code"),
        label=_("Đơn vị kiến thức"),
        required=False,
        help_text=_("Giữ Ctrl để chọn nhiều; chỉ chọn đơn vị thuộc môn và lớp ở trên."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    licence = forms.ChoiceField(label=_("Giấy phép"), choices=Resource.Licence.choices)
    author = forms.CharField(label=_("Tác giả"), max_length=200)
    audience = forms.ChoiceField(label=_("Phạm vi chia sẻ"), choices=Resource.Audience.choices)
    file = forms.FileField(label=_("Tệp"), required=False, help_text=_("PDF, ảnh, video MP4/WebM, MP3, Office…"))
    link_url = forms.URLField(label=_("Hoặc đường dẫn"), required=False, max_length=1000, assume_scheme="https")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("link_url")):
            raise forms.ValidationError(_("Hãy tải lên một tệp hoặc nhập một đường dẫn (chỉ một trong hai)."))
        return data


class VersionForm(forms.Form):
    file = forms.FileField(label=_("Tệp"), required=False)
    link_url = forms.URLField(label=_("Hoặc đường dẫn"), required=False, max_length=1000, assume_scheme="https")
    note = forms.CharField(label=_("Ghi chú phiên bản"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("link_url")):
            raise forms.ValidationError(_("Hãy tải lên một tệp hoặc nhập một đường dẫn (chỉ một trong hai)."))
        return data


class TakedownForm(forms.Form):
    reason = forms.CharField(label=_("Lý do gỡ"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Kết luận"), choices=Review.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in Review.RUBRIC:
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                label=label, coerce=int, choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect
            )

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"score_{key}"] for key, _label in Review.RUBRIC}


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp câu hỏi"))
    format = forms.ChoiceField(label=_("Định dạng"), choices=FORMAT_CHOICES)
    bank = forms.CharField(
        label=_("Ngân hàng"), max_length=200, required=False, help_text=_("Để trống: ngân hàng chung.")
    )


class BlueprintForm(forms.Form):
    name = forms.CharField(label=_("Tên đề kiểm tra"), max_length=200)
    duration_minutes = forms.IntegerField(label=_("Thời gian (phút)"), min_value=5, max_value=240, initial=45)
    cells = forms.CharField(
        label=_("Ma trận đề"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        help_text=_(
            "Mỗi dòng: mã chủ đề, mức độ (nhan_biet, thong_hieu, van_dung, van_dung_cao), số câu. "
            "Ví dụ: TOAN-6-C3, nhan_biet, 4"
        ),
    )

    def clean_cells(self):
        from .models import Topic

        cells, errors = [], []
        seen = set()
        for number, line in enumerate(self.cleaned_data["cells"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(";", ",").split(",")]
            if len(parts) != 3 or not parts[2].isdigit() or int(parts[2]) < 1:
                errors.append(_("Dòng %(n)d: cần “mã chủ đề, mức độ, số câu”.") % {"n": number})
                continue
            topic = Topic.objects.filter(code=parts[0].upper()).first()
            if topic is None:
                errors.append(_("Dòng %(n)d: không có chủ đề mã %(c)s.") % {"n": number, "c": parts[0]})
                continue
            if parts[1] not in CognitiveLevel.values:
                errors.append(_("Dòng %(n)d: mức độ “%(l)s” không hợp lệ.") % {"n": number, "l": parts[1]})
                continue
            if (topic.pk, parts[1]) in seen:
                errors.append(_("Dòng %(n)d: chủ đề và mức độ này đã có ở dòng trước.") % {"n": number})
                continue
            seen.add((topic.pk, parts[1]))
            cells.append((topic, parts[1], int(parts[2])))
        if errors:
            raise forms.ValidationError(errors)
        if not cells:
            raise forms.ValidationError(_("Ma trận đề chưa có dòng nào."))
        return cells


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục (.xlsx hoặc .csv)"),
        help_text=_("Các cột: Mã môn, Tên môn, Lớp, Mã chủ đề, Tên chủ đề, Mã đơn vị kiến thức, Tên đơn vị kiến thức."),
    )
