"""Forms of the DX self-assessment pages: the list's filters, the verifier's and the department's inputs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Level, Status


class ListFilterForm(forms.Form):
    year = forms.ChoiceField(label=_("Năm học"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *list(Status.choices)]
    )
    level = forms.TypedChoiceField(
        label=_("Mức độ"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *list(Level.choices)],
    )
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)

    def __init__(self, *args, years=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.code, y.code) for y in years]
        self.fields["unit"].choices = [("", _("Tất cả"))] + [(u.code, u.name) for u in units]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(label=_("Lý do mở lại"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(
        label=_("Cho phép nộp đến ngày"),
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text=_("dd/mm/yyyy; để trống: 14 ngày kể từ hôm nay."),
        error_messages={"invalid": _("Ngày không đúng dạng dd/mm/yyyy.")},
    )


class EvidenceForm(forms.Form):
    criterion = forms.CharField(max_length=16)
    file = forms.FileField(label=_("Tệp minh chứng"))
