"""Attachments: the type from the content, at most 10 MB, no archive or bomb in disguise, no path."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.files import MAX_BYTES, check_upload
from core.errors import DomainError, ErrorCode
from tests.applications.scenarios import JPEG_BYTES, PDF_BYTES, PNG_BYTES, deflate_bomb_pdf, pdf, zip_bomb_pdf


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("liite.pdf", PDF_BYTES, "application/pdf"),
    ("KUVA.JPG", JPEG_BYTES, "image/jpeg"),
    ("kuva.jpeg", JPEG_BYTES, "image/jpeg"),
    ("kaavio.png", PNG_BYTES, "image/png"),
])
def test_check_upload__pdf_jpeg_png__type_read_from_content(name, data, kind):
    assert check_upload(SimpleUploadedFile(name, data, content_type="text/plain")).content_type == kind


def _refused(upload) -> ErrorCode:
    with pytest.raises(DomainError) as refused:
        check_upload(upload)
    assert refused.value.message and "%(" not in refused.value.message
    return refused.value.code


def test_check_upload__png_named_pdf__content_does_not_match_the_name():
    assert _refused(SimpleUploadedFile("todistus.pdf", PNG_BYTES)) == ErrorCode.ATTACHMENT_MISMATCH


def test_check_upload__html_named_pdf__not_a_pdf_jpeg_or_png():
    assert _refused(SimpleUploadedFile("todistus.pdf", b"<html><script>alert(1)</script>")) == ErrorCode.ATTACHMENT_TYPE


def test_check_upload__zip_bomb_disguised_as_pdf__refused():
    assert _refused(zip_bomb_pdf()) == ErrorCode.ATTACHMENT_ARCHIVE


def test_check_upload__pdf_whose_stream_inflates_past_the_limit__refused():
    assert _refused(deflate_bomb_pdf()) == ErrorCode.ATTACHMENT_BOMB


def test_check_upload__pdf_header_without_a_pdf_behind_it__refused():
    assert _refused(pdf(data=b"%PDF-1.4\n" + b"x" * 100)) == ErrorCode.ATTACHMENT_BOMB


def test_check_upload__png_of_enormous_dimensions__refused():
    huge = PNG_BYTES[:16] + (100_000).to_bytes(4, "big") + (100_000).to_bytes(4, "big") + PNG_BYTES[24:]
    assert _refused(SimpleUploadedFile("kuva.png", huge)) == ErrorCode.ATTACHMENT_BOMB


def test_check_upload__over_10_mb__refused():
    big = SimpleUploadedFile("iso.pdf", PDF_BYTES + b"0" * MAX_BYTES)
    assert _refused(big) == ErrorCode.ATTACHMENT_TOO_LARGE


def test_check_upload__empty__refused():
    assert _refused(SimpleUploadedFile("tyhja.pdf", b"")) == ErrorCode.ATTACHMENT_EMPTY


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "/tmp/x.pdf", ".htaccess.pdf", "a\x01.pdf"])
def test_check_upload__path_or_control_characters_in_the_name__refused(name):
    """Django's upload strips a path before the service sees the name; a caller that passes one is refused."""
    upload = SimpleUploadedFile("x.pdf", PDF_BYTES)
    upload.__dict__["_name"] = name  # past UploadedFile's own basename()
    assert _refused(upload) == ErrorCode.ATTACHMENT_NAME_INVALID
