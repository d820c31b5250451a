"""Housekeeping of the private attachment storage: files no row points to (a crash between the file write and the
commit, a rolled-back submission whose clean-up failed) are removed once they are old enough that no submission
still in flight can own them."""

from __future__ import annotations

import datetime as dt
import posixpath

from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import DossierAttachment

ATTACHMENT_ROOT = "egov/attachments"
ORPHAN_AGE = dt.timedelta(hours=1)


def _files_under(directory: str):
    try:
        directories, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield posixpath.join(directory, name)
    for sub in directories:
        yield from _files_under(posixpath.join(directory, sub))


def sweep_orphan_attachments(*, older_than: dt.timedelta = ORPHAN_AGE, now: dt.datetime | None = None) -> int:
    """Deletes attachment files with no DossierAttachment row, last written more than ``older_than`` ago; returns
    how many. A file younger than that may belong to a submission whose transaction has not committed yet."""
    now = now or timezone.now()
    removed = 0
    for directory in _month_directories():
        known = set(DossierAttachment.objects.filter(file__startswith=directory + "/").values_list("file", flat=True))
        for name in _files_under(directory):
            if name in known:
                continue
            try:
                if now - default_storage.get_modified_time(name) < older_than:
                    continue
                default_storage.delete(name)
            except FileNotFoundError:
                continue
            removed += 1
    return removed


def _month_directories() -> list[str]:
    """egov/attachments/YYYY/MM: the rows of one month are read at a time."""
    found = []
    try:
        years, _files = default_storage.listdir(ATTACHMENT_ROOT)
    except FileNotFoundError:
        return []
    for year in sorted(years):
        months, _files = default_storage.listdir(posixpath.join(ATTACHMENT_ROOT, year))
        found.extend(posixpath.join(ATTACHMENT_ROOT, year, month) for month in sorted(months))
    return found
