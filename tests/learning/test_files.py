"""Uploads whose transaction is rolled back do not stay on disk (learning.files)."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from learning.files import remove_rolled_back
from learning.models import ResourceVersion
from learning.services.resources import add_version

from .test_resources import PDF, PNG, make

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_a_file_written_in_a_transaction_that_rolls_back_is_removed(province):
    resource = make(province, link="https://example.edu.vn/v1")
    with pytest.raises(Boom), transaction.atomic():
        version = add_version(
            resource=resource, by=province.users["teacher_a"], upload=SimpleUploadedFile("v2.png", PNG)
        )
        name = version.file.name
        assert default_storage.exists(name)
        raise Boom  # something after the upload fails: the caller's transaction is rolled back
    assert not ResourceVersion.objects.filter(file=name).exists()
    assert remove_rolled_back() == 1
    assert not default_storage.exists(name)


def test_a_file_whose_transaction_is_still_open_or_committed_is_kept(province, django_capture_on_commit_callbacks):
    resource = make(province, link="https://example.edu.vn/v1")
    with django_capture_on_commit_callbacks(execute=True):
        version = add_version(
            resource=resource, by=province.users["teacher_a"], upload=SimpleUploadedFile("v2.pdf", PDF)
        )
    assert remove_rolled_back() == 0
    assert default_storage.exists(version.file.name)
    again = add_version(resource=resource, by=province.users["teacher_a"], upload=SimpleUploadedFile("v3.pdf", PDF))
    assert remove_rolled_back() == 0  # its transaction (the test's) has not ended: the callback is queued
    assert default_storage.exists(again.file.name)


def test_the_end_of_a_request_removes_files_of_rolled_back_transactions(province, client_for):
    resource = make(province, link="https://example.edu.vn/v1")
    with pytest.raises(Boom), transaction.atomic():
        name = add_version(
            resource=resource, by=province.users["teacher_a"], upload=SimpleUploadedFile("v.png", PNG)
        ).file.name
        raise Boom
    assert default_storage.exists(name)
    client_for(province.users["teacher_a"]).get(f"/library/{resource.uid}/")  # request_finished removes it
    assert not default_storage.exists(name)
