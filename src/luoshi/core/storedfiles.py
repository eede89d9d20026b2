"""Files the system stores for users (report evidence, appeal evidence): their SHA-256 taken at upload and
checked before every download, and their removal from disk once the row that holds them is deleted."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import DomainError
from .security_events import record_integrity_failure


def file_sha256(stream: IO[bytes]) -> str:
    """SHA-256 of a file, read in chunks from the start; leaves the stream at its end."""
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_file_verified(*, actor: Any, item: models.Model) -> None:
    """Before a download: `item.file` must still be the file uploaded (`item.sha256`). A mismatch is refused
    (DomainError, code "integrity") and audited; a missing file is the caller's 404."""
    expected = getattr(item, "sha256", "")
    if not expected:
        return  # stored before hashes were taken, and missing from disk when its migration ran
    with item.file.open("rb") as handle:  # type: ignore[attr-defined]
        found = file_sha256(handle)
    if found != expected:
        record_integrity_failure(actor=actor, target=item, expected=expected, found=found)
        raise DomainError(_("文件已被改动，拒绝下载"), code="integrity")


def remove_file_after_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_delete of a row holding a `file` (a service, a cascade, the admin): the file leaves the disk once
    the deletion is committed, never before (a rollback keeps both)."""
    storage, path = instance.file.storage, instance.file.name
    if path:
        transaction.on_commit(lambda: storage.delete(path))
