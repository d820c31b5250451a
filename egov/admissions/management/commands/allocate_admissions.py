"""``allocate_admissions``: the admission allocation from files (SPEC §13), so anyone can re-run a published one.

Reads A.csv and S.csv, runs the same ``egov.admissions.allocation.allocate`` the allocation job runs, and writes
R.csv (every applicant, sorted by applicant_id). It touches no database, so it runs directly rather than as a Job.

Exit codes: 0 the result was written; 2 a file or an argument is unusable (one line on stderr naming the file,
line and column; R.csv is not written). There is no exit 1: an allocation cannot skip invalid rows, since
leaving out one applicant changes the others' results.
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from egov.admissions.allocation import METHODS, AllocationError, allocate
from egov.admissions.allocation_files import AllocationFileError, read_applicants, read_schools, write_results


class _OneLineParser(CommandParser):
    def error(self, message):
        if self.called_from_command_line:
            self.exit(2, f"allocate_admissions: {message}\n")
        super().error(message)


class Command(BaseCommand):
    help = "Allocates admission places from A.csv and S.csv (SPEC §13) and writes R.csv."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser  # argparse's usage block + error is not "one line on stderr"
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--method", required=True, choices=METHODS)
        parser.add_argument("--applicants", required=True, help="A.csv")
        parser.add_argument("--schools", required=True, help="S.csv")
        parser.add_argument("--seed", type=int, default=0, help="lottery seed (default 0)")
        parser.add_argument("--out", required=True, help="R.csv to write")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **opts):
        method = opts["method"]
        applicants_path, schools_path = Path(opts["applicants"]), Path(opts["schools"])
        try:
            with schools_path.open(encoding="utf-8-sig", newline="") as handle:
                schools = read_schools(handle, name=schools_path.name)
            with applicants_path.open(encoding="utf-8-sig", newline="") as handle:
                applicants = read_applicants(
                    handle, method=method, school_codes=[s.code for s in schools], name=applicants_path.name
                )
            result = allocate(method=method, applicants=applicants, schools=schools, seed=opts["seed"])
        except FileNotFoundError as exc:
            self.fail(f"Không tìm thấy tệp {exc.filename}.")
        except (IsADirectoryError, PermissionError) as exc:
            self.fail(f"Không mở được tệp {exc.filename}.")
        except UnicodeDecodeError:
            self.fail("Tệp không phải văn bản UTF-8.")
        except (AllocationFileError, AllocationError) as exc:
            self.fail(str(exc))
        out = Path(opts["out"])
        # Write beside the target then rename: a failed run never leaves half a result.
        try:
            fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", prefix=".allocate-", suffix=".csv")
        except OSError as exc:
            self.fail(f"Không ghi được {out}: {exc.strerror}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                write_results(handle, result)
            os.replace(tmp, out)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            self.fail(f"Không ghi được {out}: {exc.strerror}.")
        placed = sum(1 for code in result.values() if code)
        self.stdout.write(f"Đã xếp {placed}/{len(result)} thí sinh; kết quả ghi vào {out}.")
