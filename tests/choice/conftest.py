import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test reads the comparison anew: the cache lives in the process, not the transaction."""
    cache.clear()
    yield
    cache.clear()
