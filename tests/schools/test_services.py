import pytest
from django.core.exceptions import ValidationError

from schools import selectors, services
from schools.models import OrgUnit, OrgUnitPlacement

pytestmark = pytest.mark.django_db


def placement(unit: OrgUnit, year: str) -> OrgUnitPlacement:
    return OrgUnitPlacement.objects.get(org_unit=unit, school_year__code=year)


def test_tree_of_any_depth_keeps_paths_consistent(province):
    site = services.create_org_unit(
        code="TH-PHONGHAI-DT1", name="Điểm trường Làng Chưng", kind="site", parent=province.school_a.org_unit
    )
    assert site.path.startswith(province.unit_a.path) and site.depth == 3
    assert site.path == f"{province.department.path}{province.unit_a.pk}/{province.school_a.pk}/{site.pk}/"


def test_moving_a_school_keeps_past_years_under_the_old_unit(province):
    past = services.get_or_open_school_year(code="2024-2025")
    assert past.code == "2024-2025"
    services.get_or_open_school_year(code="2025-2026", make_current=True)
    school = province.school_a.org_unit
    site = services.create_org_unit(code="DT-1", name="Điểm trường Bản Mế", kind="site", parent=school)
    services.move_org_unit(unit=school, new_parent=province.unit_b)
    school.refresh_from_db()
    site.refresh_from_db()
    assert school.parent == province.unit_b and school.path.startswith(province.unit_b.path)
    assert site.path.startswith(school.path)
    assert placement(school, "2025-2026").parent == province.unit_b
    assert placement(school, "2025-2026").path == school.path
    old = placement(school, "2024-2025")
    assert old.parent == province.unit_a and old.path.startswith(province.unit_a.path)


def test_a_unit_cannot_move_inside_itself(province):
    with pytest.raises(ValidationError):
        services.move_org_unit(unit=province.unit_a, new_parent=province.school_a.org_unit)


def test_only_the_department_may_be_a_root(db):
    with pytest.raises(ValidationError, match="cấp trên"):
        services.create_org_unit(code="PGD-X", name="Phòng GD&ĐT X", kind="unit", parent=None)


def test_duplicate_code_is_refused_in_vietnamese(province):
    with pytest.raises(ValidationError, match="đã tồn tại"):
        services.create_org_unit(code="pgd-bt", name="Trùng", kind="unit", parent=province.department)


def test_upsert_school_is_idempotent_and_moves_on_a_new_managing_unit(province):
    _school, created = services.upsert_school(
        code="TH-PHONGHAI", name="Trường Tiểu học Phong Hải", parent=province.unit_a, levels=["TH"], area="rural"
    )
    assert not created and OrgUnit.objects.filter(code="TH-PHONGHAI").count() == 1
    school, _ = services.upsert_school(
        code="TH-PHONGHAI",
        name="Trường Tiểu học Phong Hải",
        parent=province.unit_b,
        levels=["TH", "THCS"],
        area="rural",
    )
    assert school.org_unit.parent == province.unit_b and school.levels == ["TH", "THCS"]


def test_school_year_must_be_written_like_2024_2025(db):
    for bad in ("2024", "2024-2026", "24-25", "2024/2025"):
        with pytest.raises(ValidationError, match="2024-2025"):
            services.parse_school_year(bad)


def test_names_are_stored_nfc(province):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Trường Tiểu học Hoàng Liên")
    unit = services.create_org_unit(code="TH-HL", name=nfd, kind="school", parent=province.unit_a)
    assert unit.name == unicodedata.normalize("NFC", nfd)


def test_scope_roots_of_a_unit_staff(province):
    roots = selectors.scope_roots(visible_to=province.users["unit_a_staff"])
    assert [unit.code for unit in roots] == ["PGD-BT"]
