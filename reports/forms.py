from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import OrgUnit, School, SchoolYear

ORDER_WORST, ORDER_BEST = "worst", "best"


class QualityFilterForm(forms.Form):
    """The ranking's filters; the choices are what the viewer may pick (years, units under their scope)."""

    year = forms.ChoiceField(label=_("Năm học"))
    unit = forms.ChoiceField(label=_("Đơn vị quản lý"), required=False)
    level = forms.ChoiceField(
        label=_("Cấp học"),
        required=False,
        choices=[("", _("Tất cả cấp học")), *[(level, level) for level in School.LEVELS]],
    )
    order = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[(ORDER_WORST, _("Kém nhất trước")), (ORDER_BEST, _("Tốt nhất trước"))],
    )

    def __init__(self, *args, years: list[SchoolYear], units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {year.code: year for year in years}
        self.units = {unit.code: unit for unit in units}
        self.fields["year"].choices = [(year.code, year.code) for year in years]
        self.fields["unit"].choices = [("", _("Tất cả đơn vị")), *[(unit.code, unit.name) for unit in units]]
