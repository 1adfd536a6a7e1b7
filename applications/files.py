"""Attachments as PSOP takes them: PDF, JPEG or PNG, at most 10 MB, the type read from the content's
first bytes (never from the name or the browser's word), the name without a path, and files that
are an archive or a decompression bomb in disguise refused. Bounded while the request is read
(``BoundedUploadHandler``), so that an oversized upload is cut off, not spooled to disk."""

import re
import struct
import zlib
import unicodedata
from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from core.errors import DomainError, ErrorCode
from core.validators import clean_text

MAX_BYTES = 10 * 1024 * 1024
# The most a request carrying one attachment may be: the file and the form's fields around it.
MAX_REQUEST_BYTES = MAX_BYTES + 256 * 1024
# A PNG's pixels at most (a 40 000 × 40 000 image is 6 GB decoded, in a file of kilobytes).
MAX_PIXELS = 100_000_000

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"BZh", b"\xfd7zXZ\x00")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int


def _too_large() -> DomainError:
    return DomainError(ErrorCode.ATTACHMENT_TOO_LARGE, mb=MAX_BYTES // (1024 * 1024))


def clean_name(name: str) -> str:
    """The file's name as shown: no path (refused), no control or invisible characters."""
    name = clean_text(unicodedata.normalize("NFC", name or "")).strip()
    if "/" in name or "\\" in name or name in ("", ".", "..") or name.startswith(".") or "\x00" in name:
        raise DomainError(ErrorCode.ATTACHMENT_NAME_INVALID)
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise DomainError(ErrorCode.ATTACHMENT_NAME_INVALID)
    return name[-200:]


def sniff(head: bytes) -> str | None:
    """The type the content's first bytes say, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _png_pixels(head: bytes) -> int:
    """Width × height from the PNG's IHDR chunk (bytes 16–24)."""
    if len(head) < 24 or head[12:16] != b"IHDR":
        return -1
    width, height = struct.unpack(">II", head[16:24])
    return width * height


_PDF_TAIL = re.compile(rb"%%EOF\s*$")
_STREAM = re.compile(rb"stream\r?\n")
# What a PDF's compressed streams may inflate to, together: a deflate bomb (a few kilobytes that
# inflate to gigabytes) is refused without inflating more than this.
MAX_INFLATED = 200 * 1024 * 1024


def _inflates_too_much(upload) -> bool:
    """Inflate the PDF's deflate streams, counting and discarding, at most MAX_INFLATED bytes in all."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    total = 0
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data[match.end():end if end > 0 else None], 65536)
            total += len(out)
            while inflater.unconsumed_tail and total <= MAX_INFLATED:
                out = inflater.decompress(inflater.unconsumed_tail, 65536)
                if not out:
                    break
                total += len(out)
        except zlib.error:
            continue  # not a deflate stream (an image's DCT data, plain text)
        if total > MAX_INFLATED:
            return True
    return False


def check_upload(upload) -> CheckedFile:
    """The upload's name, type and size, or DomainError with a Finnish message; nothing stored."""
    name = clean_name(getattr(upload, "name", ""))
    size = upload.size or 0
    if size > MAX_BYTES:
        raise _too_large()
    if size == 0:
        raise DomainError(ErrorCode.ATTACHMENT_EMPTY)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if head.startswith(ARCHIVES):
        raise DomainError(ErrorCode.ATTACHMENT_ARCHIVE)
    kind = sniff(head)
    if kind is None:
        raise DomainError(ErrorCode.ATTACHMENT_TYPE)
    if not name.lower().endswith(EXTENSIONS[kind]):
        raise DomainError(ErrorCode.ATTACHMENT_MISMATCH, name=name)
    if kind == PNG and not 0 < _png_pixels(head) <= MAX_PIXELS:
        raise DomainError(ErrorCode.ATTACHMENT_BOMB)
    if kind == PDF:
        upload.seek(max(0, size - 1024))
        tail = upload.read()
        upload.seek(0)
        # A PDF ends in %%EOF; an archive or other data behind a PDF header does not.
        if not _PDF_TAIL.search(tail) or _inflates_too_much(upload):
            raise DomainError(ErrorCode.ATTACHMENT_BOMB)
    return CheckedFile(name=name, content_type=kind, size=size)


class BoundedUploadHandler(FileUploadHandler):
    """First of a view's upload handlers: the request is refused before it is read when it says it
    is larger than ``MAX_REQUEST_BYTES``, and cut off when a file grows past ``MAX_BYTES`` however
    the sender lied about its length. ``request.upload_too_large`` tells the view."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length > MAX_REQUEST_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return None

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
