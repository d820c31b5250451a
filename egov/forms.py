"""Forms of the public portal and the staff inbox. They validate shape only; the rules live in the services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TRANSITIONS, DossierStatus, Procedure

APPLICANT_FIELDS = ("applicant_name", "applicant_phone", "applicant_id_number", "applicant_email")


class DossierForm(forms.Form):
    """The online form of a procedure: the applicant, the procedure's own fields, one file input per document."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=150)
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Dùng để tra cứu hồ sơ cùng với mã hồ sơ."),
    )
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) của người nộp"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        help_text=_("Nhận thông báo khi hồ sơ chuyển trạng thái."),
    )

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for spec in procedure.form_fields:
            self.fields[f"f_{spec['name']}"] = _field(spec)
        accept = ",".join(f".{ext}" for ext in procedure.file_types)
        for doc in procedure.required_documents:
            self.fields[f"doc_{doc['code']}"] = forms.FileField(
                label=doc.get("label", doc["code"]),
                required=bool(doc.get("required")),
                widget=forms.ClearableFileInput(attrs={"accept": accept}),
            )

    def form_data(self) -> dict[str, Any]:
        return {spec["name"]: self.cleaned_data.get(f"f_{spec['name']}") for spec in self.procedure.form_fields}

    def uploads(self) -> list[tuple[str, Any]]:
        return [
            (doc["code"], self.cleaned_data[f"doc_{doc['code']}"])
            for doc in self.procedure.required_documents
            if self.cleaned_data.get(f"doc_{doc['code']}")
        ]

    def form_field_names(self) -> list[str]:
        return [f"f_{spec['name']}" for spec in self.procedure.form_fields]

    def document_field_names(self) -> list[str]:
        return [f"doc_{doc['code']}" for doc in self.procedure.required_documents]


def _field(spec: dict[str, Any]) -> forms.Field:
    label, required, kind = spec.get("label", spec["name"]), bool(spec.get("required")), spec.get("type", "text")
    if kind == "select":
        choices = [("", "—")] + [(str(value), text) for value, text in spec.get("choices", [])]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if kind == "textarea":
        return forms.CharField(
            label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
        )
    if kind == "date":
        # Text, not a date widget: the service reads dd/mm/yyyy (SPEC §1) and names the error.
        return forms.CharField(
            label=label, required=required, max_length=10, widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy"})
        )
    if kind == "email":
        return forms.EmailField(label=label, required=required)
    if kind == "school":
        # A text box with the schools as suggestions (a <datalist> on the page): type part of the name or the code.
        return forms.CharField(
            label=label,
            required=required,
            max_length=300,
            widget=forms.TextInput(attrs={"list": "edx-schools", "autocomplete": "off"}),
            help_text=_("Gõ tên hoặc mã trường rồi chọn trong danh sách gợi ý."),
        )
    return forms.CharField(label=label, required=required, max_length=500)


class TrackForm(forms.Form):
    receipt_code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "HS-2026-XXXXXXXX", "autocapitalize": "characters"}),
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc số định danh của người nộp"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=[(n, f"{'★' * n} {n}/5") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResubmitForm(forms.Form):
    files = forms.FileField(label=_("Tệp bổ sung"), required=False)
    comment = forms.CharField(label=_("Nội dung bổ sung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Chuyển sang"))
    comment = forms.CharField(
        label=_("Ghi chú / lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = [to for to in TRANSITIONS[status] if to != DossierStatus.RESUBMITTED]
        choices = [("", _("— Chọn trạng thái —"))] + [(to, DossierStatus(to).label) for to in allowed]
        if DossierStatus.RESUBMITTED in TRANSITIONS[status]:
            choices.append((DossierStatus.RESUBMITTED, _("Đã bổ sung hồ sơ (nhận trực tiếp)")))
        self.fields["to"].choices = choices


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("open", _("Đang giải quyết")), *list(DossierStatus.choices)],
    )
    due = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[("", _("Tất cả")), ("soon", _("Sắp đến hạn")), ("late", _("Quá hạn"))],
    )
    assigned = forms.ChoiceField(
        label=_("Phân công"),
        required=False,
        choices=[("", _("Tất cả")), ("me", _("Của tôi")), ("none", _("Chưa phân công"))],
    )
    q = forms.CharField(label=_("Mã hồ sơ hoặc tên người nộp"), required=False, max_length=40)


class BulkActionForm(forms.Form):
    ACTIONS = (
        ("received", _("Tiếp nhận")),
        ("processing", _("Chuyển xử lý")),
        ("result_returned", _("Trả kết quả")),
        ("assign_me", _("Giao cho tôi")),
    )
    action = forms.ChoiceField(label=_("Thao tác"), choices=ACTIONS)
    codes = forms.MultipleChoiceField(label=_("Hồ sơ"), choices=())

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(code, code) for code in codes]


class DiplomaVerifyForm(forms.Form):
    number = forms.CharField(label=_("Số hiệu văn bằng"), max_length=30)
    holder_name = forms.CharField(label=_("Họ và tên người được cấp"), max_length=150)
    birth_date = forms.DateField(
        label=_("Ngày sinh"), widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    )


class DiplomaImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp sổ gốc (.xlsx hoặc .csv)"))
    org_unit = forms.ChoiceField(label=_("Đơn vị cấp văn bằng"))

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].choices = units
