"""Uploaded files written inside a transaction that is rolled back are removed, not left orphaned.

The file of a resource version is written before its row (the row holds the stored name), inside the caller's
transaction. If that transaction, or a savepoint around the write, is rolled back later, for a reason the upload
code never sees, no row points to the file any more. Each written name is kept in a per-thread registry together
with an ``on_commit`` callback: the commit runs the callback, which takes the name off the registry (the file
stays). Django drops the callbacks of a rolled-back savepoint or transaction, so a name still in the registry
whose callback is no longer queued on the connection belongs to a rollback: ``remove_rolled_back`` deletes it.
It runs when a request finishes and after every Celery task (signals connected in ``LearningConfig.ready``), and
before each new upload. The same idea as egov's submissions (remove what was written when the transaction does
not hold), made independent of where the rollback happens.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction

_local = threading.local()


def _pending() -> list[_Written]:
    if not hasattr(_local, "written"):
        _local.written = []
    return _local.written


@dataclass(eq=False)
class _Written:
    name: str
    storage: Storage
    using: str

    def kept(self) -> None:
        """The transaction committed: the file belongs to a row."""
        with contextlib.suppress(ValueError):
            _pending().remove(self)


def track_written_file(*, name: str, storage: Storage, using: str = DEFAULT_DB_ALIAS) -> None:
    """Call right after writing ``name`` inside a transaction: kept on commit, removed after a rollback."""
    written = _Written(name, storage, using)
    _pending().append(written)
    transaction.on_commit(written.kept, using=using, robust=True)


def remove_rolled_back(**_signal_kwargs: object) -> int:
    """Deletes the files whose transaction was rolled back; returns how many. Files whose transaction is still
    open (their callback is queued) are left alone."""
    removed = 0
    for written in list(_pending()):
        queued = connections[written.using].run_on_commit
        if any(func == written.kept for _sids, func, _robust in queued):
            continue
        _pending().remove(written)
        with contextlib.suppress(OSError):  # best effort: an orphan file is never served (no row points to it)
            written.storage.delete(written.name)
        removed += 1
    return removed
