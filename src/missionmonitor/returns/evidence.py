"""Checks on evidence files attached to returns: a type we accept, content that is what
its name says, no macros, no zip bombs, a size limit.

For example::

    kind = check_evidence("policy.pdf", data)   # "application/pdf", or ValidationError
"""

from __future__ import annotations

import io
import zipfile

from missionmonitor.errors import Problem, ValidationError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024
#: extension → (content type, how the content must start)
ACCEPTED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "csv": ("text/csv", ()),
    "txt": ("text/plain", ()),
}


def _refuse(name: str, rule: str, message: str) -> ValidationError:
    return ValidationError(name, [Problem(rule, message)])


def check_evidence(name: str, data: bytes) -> str:
    """The file's content type if it may be kept; ValidationError saying why not."""
    if not data:
        raise _refuse(name, "empty-file", "the file is empty")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise _refuse(
            name, "size", f"the file is {len(data):,} bytes; the limit is {MAX_EVIDENCE_BYTES:,}"
        )
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ACCEPTED:
        raise _refuse(
            name,
            "file-type",
            f"accepted: {', '.join(sorted(ACCEPTED))} (macro-enabled and executable files are not)",
        )
    content_type, magic = ACCEPTED[suffix]
    if magic and not data.startswith(magic):
        raise _refuse(name, "file-type", f"the content is not a .{suffix} file")
    if suffix in ("csv", "txt"):
        if b"\x00" in data[:4096]:
            raise _refuse(name, "binary", "this is not a text file")
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _refuse(name, "encoding", "the file is not UTF-8 text") from exc
    if suffix in ("docx", "xlsx"):
        try:
            members = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except zipfile.BadZipFile as exc:
            raise _refuse(name, "file-type", f"the content is not a .{suffix} file") from exc
        names = {m.filename.lower() for m in members}
        if "[content_types].xml" not in names:
            raise _refuse(name, "file-type", f"the content is not a .{suffix} file")
        if any(n.endswith("vbaproject.bin") for n in names):
            raise _refuse(name, "macro", "the document contains macros")
        if sum(m.file_size for m in members) > MAX_UNZIPPED:
            raise _refuse(name, "zip-bomb", "the document expands to far more than its size")
    return content_type
