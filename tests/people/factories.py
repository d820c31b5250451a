import factory
from faker import Faker

from people import services
from people.models import User

fake = Faker("vi_VN")
PASSWORD = "Mật-khẩu-thử-2026"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.LazyFunction(fake.name)
    email = factory.LazyAttribute(lambda o: f"{o.username}@edudx.test")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.create_user(**kwargs)
