from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from schools.models import OrgUnit


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa. Liên hệ quản trị của đơn vị."),
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=120, help_text=_("Ví dụ: Hệ thống báo cáo của Phòng"))
    org_unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=OrgUnit.objects.none(), to_field_name="code", empty_label=_("Chọn đơn vị")
    )
    can_write = forms.BooleanField(label=_("Cho phép ghi dữ liệu"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["org_unit"].error_messages["invalid_choice"] = _(
            "Đơn vị không tồn tại hoặc nằm ngoài phạm vi của bạn."
        )
