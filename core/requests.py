"""What a request may bring: its answer when it brings too much."""

from django.conf import settings
from django.utils.translation import gettext as _


def too_large_message() -> str:
    """A body past DATA_UPLOAD_MAX_MEMORY_SIZE (Django refuses it before reading it: 413 on the API)."""
    return _("Pyyntö on liian suuri (enintään %(mb)s Mt).") % {
        "mb": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):.1f}".replace(".", ",")
    }
