"""A web process killed in the middle of a submission leaves nothing half-written; the client's retry with the same
idempotency key then stores the dossier exactly once (a real process, killed with SIGKILL)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings

from egov.models import Dossier, DossierAttachment, DossierEvent
from egov.services import Upload

from ..worker import database_url
from .factories import PDF, make_dossier, make_procedure, named_file

pytestmark = pytest.mark.django_db(transaction=True)

CHILD = textwrap.dedent(
    """
    import io, sys, time
    from pathlib import Path
    import django
    django.setup()
    from egov.models import DossierEvent, Procedure
    from egov.services import Upload, submit_dossier

    marker = Path(sys.argv[2])
    real_create = DossierEvent.objects.create

    def create_then_hang(**kwargs):
        real_create(**kwargs)  # the dossier, its file and its event are written, not committed
        marker.write_text("inside")
        time.sleep(120)

    DossierEvent.objects.create = create_then_hang
    pdf = io.BytesIO(b"%PDF-1.4\\n%%EOF\\n" + b"0" * 1000)
    pdf.name, pdf.size = "don.pdf", len(pdf.getvalue())
    submit_dossier(
        procedure=Procedure.objects.get(code=sys.argv[1]), applicant_name="Lò Thị Mai", applicant_phone="0912345678",
        applicant_id_number="010185001234", data={"student_name": "Lò Văn Páo"}, idempotency_key="bi-ngat-giua-chung",
        attachments=[Upload("don", pdf)],
    )
    """
)


def test_a_submission_killed_mid_write_is_stored_once_on_retry(province, tmp_path):
    procedure = make_procedure(province.unit_a, code="XN-KILL")
    marker = tmp_path / "inside"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "edudx.settings.test", "DATABASE_URL": database_url()}
    child = subprocess.Popen([sys.executable, str(script), procedure.code, str(marker)], env=env, cwd=settings.BASE_DIR)
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the child never reached the middle of the submission"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    retried = make_dossier(
        procedure,
        idempotency_key="bi-ngat-giua-chung",
        attachments=[Upload("don", named_file(PDF, "don.pdf"))],
    )
    again = make_dossier(procedure, idempotency_key="bi-ngat-giua-chung")
    assert again.pk == retried.pk
    assert Dossier.objects.count() == 1 and DossierAttachment.objects.count() == 1
    assert DossierEvent.objects.count() == 1
    assert Path(retried.attachments.get().file.path).exists()
