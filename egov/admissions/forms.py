"""Forms of admissions: the parent's application (phone-first, no account), the follow-up lookup, staff forms.

Forms only parse what was typed (dates dd/mm/yyyy, choices in order); every admission rule is checked by the
services, whose Vietnamese messages are attached back to the fields here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from egov.services import Upload

from .models import AdmissionRound, Application, PriorityGroup, Ward
from .services import DOCUMENTS, ApplicationInput

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
ACCEPT = ".pdf,.jpg,.jpeg,.png"


class ApplicationForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=60)
    child_national_id = forms.CharField(
        label=_("Mã định danh cá nhân của trẻ"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("12 chữ số, ghi trên giấy khai sinh hoặc ứng dụng VNeID."),
    )
    child_full_name = forms.CharField(
        label=_("Họ và tên của trẻ"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    child_birth_date = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Ngày sinh ghi theo dạng ngày/tháng/năm, ví dụ 05/04/2020.")},
    )
    child_gender = forms.ChoiceField(label=_("Giới tính"), choices=Application.Gender.choices, widget=forms.RadioSelect)
    ward = forms.CharField(label=_("Xã/phường nơi cư trú"), widget=forms.Select)
    address = forms.CharField(label=_("Thôn, tổ dân phố, số nhà"), max_length=255, required=False)
    priority_group = forms.TypedChoiceField(
        label=_("Đối tượng ưu tiên"),
        choices=[("", _("Không thuộc đối tượng ưu tiên")), *PriorityGroup.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    choice1 = forms.CharField(label=_("Nguyện vọng 1"), widget=forms.Select)
    choice2 = forms.CharField(label=_("Nguyện vọng 2 (không bắt buộc)"), widget=forms.Select, required=False)
    choice3 = forms.CharField(label=_("Nguyện vọng 3 (không bắt buộc)"), widget=forms.Select, required=False)
    parent_name = forms.CharField(label=_("Họ và tên cha, mẹ hoặc người giám hộ"), max_length=150)
    parent_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Dùng để tra cứu hồ sơ cùng với mã hồ sơ."),
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi là cha, mẹ hoặc người giám hộ của trẻ và đồng ý để cơ quan tuyển sinh xử lý các thông tin trên "
            "chỉ cho việc tuyển sinh."
        ),
        error_messages={"required": _("Cần đồng ý xử lý dữ liệu của trẻ để nộp hồ sơ.")},
    )

    def __init__(self, *args: Any, round: AdmissionRound, editing: Application | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.round = round
        if not self.is_bound and editing is None:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        if not self.is_bound:
            self.load_choices()
        if editing is not None:
            del self.fields["idempotency_key"]
            del self.fields["consent"]
            self.initial.update(
                {
                    "child_national_id": editing.child_national_id,
                    "child_full_name": editing.child_full_name,
                    "child_birth_date": editing.child_birth_date,
                    "child_gender": editing.child_gender,
                    "ward": editing.ward.code,
                    "address": editing.address,
                    "priority_group": editing.priority_group,
                    "parent_name": editing.parent_name,
                    "parent_phone": editing.parent_phone,
                    **{f"choice{k}": rs.code for k, rs in enumerate(editing.choices, start=1)},
                }
            )
        for doc in DOCUMENTS:
            self.fields[f"doc_{doc['code']}"] = forms.FileField(
                label=doc["label"], required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
            )

    def load_choices(self) -> None:
        """The ward and school lists, only when the form is drawn: a valid submission never reads them (the
        services check the values), which spares two queries on the busiest request of the admission season."""
        wards = [("", _("— Chọn xã/phường —"))] + [
            (code, name) for code, name in Ward.objects.filter(is_active=True).values_list("code", "name")
        ]
        self.fields["ward"].widget.choices = wards
        schools = list(
            self.round.schools.order_by("school__org_unit__name").values_list(
                "school__org_unit__code", "school__org_unit__name"
            )
        )
        self.fields["choice1"].widget.choices = [("", _("— Chọn trường —")), *schools]
        for name in ("choice2", "choice3"):
            self.fields[name].widget.choices = [("", _("— Không chọn —")), *schools]

    def clean_child_birth_date(self) -> dt.date:
        value = self.cleaned_data["child_birth_date"]
        if value.year < 1900:
            raise ValidationError(_("Năm sinh không hợp lệ."))
        return value

    def to_input(self) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(
            child_national_id=data["child_national_id"],
            child_full_name=data["child_full_name"],
            child_birth_date=data["child_birth_date"],
            child_gender=data["child_gender"],
            parent_name=data["parent_name"],
            parent_phone=data["parent_phone"],
            ward_code=data["ward"],
            priority_group=data.get("priority_group"),
            choices=[data.get("choice1") or "", data.get("choice2") or "", data.get("choice3") or ""],
            address=data.get("address") or "",
        )

    def documents(self) -> list[Upload]:
        return [
            Upload(doc["code"], self.cleaned_data[f"doc_{doc['code']}"])
            for doc in DOCUMENTS
            if self.cleaned_data.get(f"doc_{doc['code']}")
        ]

    def document_fields(self):
        return [self[f"doc_{doc['code']}"] for doc in DOCUMENTS if f"doc_{doc['code']}" in self.fields]

    def attach(self, error: ValidationError) -> None:
        """The service's refusal shown where it belongs: on its field, or above the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                if field == "documents":
                    target = None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class FollowForm(forms.Form):
    receipt_code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc mã định danh của trẻ"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Kết luận"),
        choices=[("valid", _("Hồ sơ hợp lệ")), ("invalid", _("Hồ sơ chưa hợp lệ"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Lý do (bắt buộc khi chưa hợp lệ; phụ huynh sẽ đọc)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ScoresUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp điểm (.xlsx hoặc .csv)"),
        help_text=_("Các cột: Mã hồ sơ, Điểm xét tuyển, Điểm phụ (không bắt buộc). Dòng đầu là dòng tiêu đề."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class AllocateForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Số hạt giống bốc thăm"),
        min_value=0,
        max_value=2**62,
        help_text=_("Bốc công khai sau hạn nộp hồ sơ; ghi vào biên bản. Cùng dữ liệu và cùng số này cho cùng kết quả."),
    )


class SecondRoundForm(forms.Form):
    code = forms.SlugField(label=_("Mã đợt bổ sung"), max_length=40)
    name = forms.CharField(label=_("Tên đợt"), max_length=200)
    applications_open_at = forms.DateTimeField(label=_("Nhận hồ sơ từ"), input_formats=["%d/%m/%Y %H:%M"])
    applications_close_at = forms.DateTimeField(label=_("Hạn nộp hồ sơ"), input_formats=["%d/%m/%Y %H:%M"])
    results_at = forms.DateTimeField(label=_("Công bố kết quả"), input_formats=["%d/%m/%Y %H:%M"])
    confirmation_close_at = forms.DateTimeField(label=_("Hạn xác nhận nhập học"), input_formats=["%d/%m/%Y %H:%M"])
    seed = forms.IntegerField(label=_("Số hạt giống bốc thăm"), min_value=0, max_value=2**62)
