"""Org units and schools with realistic Vietnamese names, created through the services."""

import factory
from faker import Faker

from schools import services
from schools.models import OrgUnit, School

fake = Faker("vi_VN")

SCHOOL_PREFIXES = ["Trường Tiểu học", "Trường THCS", "Trường Mầm non", "Trường PTDTBT TH&THCS"]


class OrgUnitFactory(factory.Factory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"PGD{n:03d}")
    name = factory.LazyFunction(lambda: f"Phòng Giáo dục và Đào tạo {fake.city()}")
    kind = OrgUnit.Kind.UNIT
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.create_org_unit(**kwargs)


class SchoolFactory(factory.Factory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"TR{n:04d}")
    name = factory.LazyFunction(
        lambda: f"{fake.random_element(SCHOOL_PREFIXES)} {fake.last_name()} {fake.first_name()}"
    )
    parent = factory.SubFactory(OrgUnitFactory)
    levels = factory.LazyFunction(lambda: ["TH"])
    area = School.Area.RURAL
    ward = factory.LazyFunction(lambda: f"Xã {fake.first_name()}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        school, _created = services.upsert_school(**kwargs)
        return school
