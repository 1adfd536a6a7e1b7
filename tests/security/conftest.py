import logging

import pytest


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """The matrix and the fuzz tests make hundreds of refused requests on purpose; Django logs
    each 403/404/405 as a warning. Errors (a 500) are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments the matrix uploads (hakeutuminen) go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
