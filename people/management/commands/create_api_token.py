from django.core.management.base import BaseCommand, CommandError

from people.services import create_api_token
from schools.models import OrgUnit


class Command(BaseCommand):
    help = "Prints a new API token scoped to an org unit's subtree (read-only unless --write)."

    def add_arguments(self, parser):
        parser.add_argument("--org-unit", required=True, help="code of the org unit")
        parser.add_argument("--name", required=True, help="a name saying which system uses the token")
        parser.add_argument("--write", action="store_true", help="allow writes (default: read-only)")

    def handle(self, *args, org_unit: str, name: str, write: bool, **options):
        unit = OrgUnit.objects.filter(code=org_unit.strip().upper()).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {org_unit}.")
        token, key = create_api_token(org_unit=unit, name=name, can_write=write)
        mode = "đọc và ghi" if write else "chỉ đọc"
        self.stderr.write(f"Khóa “{token.name}” cho {unit.code} ({mode}); lưu ngay, khóa không hiển thị lại:")
        self.stdout.write(key)
