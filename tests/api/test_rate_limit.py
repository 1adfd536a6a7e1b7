"""The rate limit per key, counted in PostgreSQL: past it 429 with Retry-After; other keys and the
next minute are not affected."""

import datetime as dt

import pytest
from django.utils import timezone

from api.models import ApiKey, RateCounter
from api.services import RateLimited, rate_limit_hit
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


def test_past_the_limit__429_with_retry_after_and_a_finnish_message(victim, api, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    client = api(make_key(victim.provider_b_admin))
    path = f"/api/v1/vouchers/{victim.fresh_voucher.number}"

    answers = [client.get(path) for _ in range(4)]

    assert [response.status_code for response in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "rate_limited"
    assert victim.customer.last_name not in limited.content.decode()


def test_the_limit_is_per_key(victim, api, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    b = api(make_key(victim.provider_b_admin))
    y = api(make_key(victim.organiser_y_admin))
    path = f"/api/v1/vouchers/{victim.fresh_voucher.number}"

    assert b.get(path).status_code == 200
    assert b.get(path).status_code == 429
    assert y.get(path).status_code == 200


def test_a_new_minute_starts_from_zero_and_forgets_the_old_counters(victim, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    make_key(victim.provider_b_admin)
    key = ApiKey.objects.get()
    start = timezone.now().replace(second=10, microsecond=0)
    rate_limit_hit(key, now=start)
    rate_limit_hit(key, now=start)
    with pytest.raises(RateLimited) as limited:
        rate_limit_hit(key, now=start)
    assert limited.value.retry_after == 50

    assert rate_limit_hit(key, now=start + dt.timedelta(minutes=1)) == 1
    assert RateCounter.objects.filter(api_key=key).count() == 1


def test_an_unknown_key_is_not_counted(victim, client):
    client.get("/api/v1/vouchers/1", headers={"Authorization": "Bearer psop_nope_nope"})

    assert not RateCounter.objects.exists()
