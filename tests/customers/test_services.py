import datetime as dt

import pytest

from audit.models import AuditEntry
from core.dates import one_year_after, today
from core.errors import DomainError
from customers.models import Customership
from customers.services import customership_create, customership_end, customership_transfer
from tests.customers.scenarios import (
    DAY,
    capitation_voucher,
    changes_written,
    customership_at,
    serving_office,
    snapshot,
)
from tests.factories import OfficeFactory, VoucherFactory, organiser_user, provider_user
from vouchers.services import voucher_close

pytestmark = pytest.mark.django_db


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def fmt(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


@pytest.fixture
def voucher():
    return capitation_voucher()


@pytest.fixture
def office(voucher):
    return serving_office(voucher, name="Keskusta")


@pytest.fixture
def user(office):
    return provider_user(office.provider)


def create(user, voucher, office, **kwargs):
    kwargs.setdefault("approvals_accepted", True)
    return customership_create(user=user, voucher=voucher, office=office, **kwargs)


# --- "Luo asiakkuus" -------------------------------------------------------------------------


def test_customership_create__no_dates_given__starts_today_and_locks_in_one_year(user, voucher, office):
    customership = create(user, voucher, office)

    assert customership.start_date == today()
    assert customership.end_date is None
    assert customership.locked_until == one_year_after(today())
    assert customership.provider == office.provider
    assert customership.created_by == user
    assert customership.on_behalf is False
    assert changes_written() == 1


def test_one_year_after__leap_day__lock_in_ends_on_28_february():
    assert one_year_after(d("2028-02-29")) == d("2029-02-28")
    assert one_year_after(d("2027-03-01")) == d("2028-03-01")


def test_customership_create__dates_given__kept_as_given(user, voucher, office):
    start = today() + 10 * DAY
    customership = create(user, voucher, office, start_date=start, end_date=start + 100 * DAY,
                          locked_until=start + 50 * DAY)

    assert (customership.start_date, customership.end_date, customership.locked_until) == (
        start, start + 100 * DAY, start + 50 * DAY)


def test_customership_create__organiser_staff__made_on_the_providers_behalf(voucher, office):
    staff = organiser_user(voucher.organiser)

    customership = create(staff, voucher, office)

    assert customership.on_behalf is True
    assert customership.provider == office.provider
    assert customership.created_by == staff


@pytest.mark.parametrize(
    "case, code",
    [
        ("start_before_validity", "start_outside_validity"),
        ("start_after_validity", "start_outside_validity"),
        ("end_before_start", "end_before_start"),
        ("lock_before_start", "lock_before_start"),
        ("approvals_missing", "approvals_missing"),
    ],
)
def test_customership_create__bad_dates_or_approvals__refused_and_nothing_written(user, voucher, office, case, code):
    kwargs = {
        "start_before_validity": {"start_date": voucher.valid_from - DAY},
        "start_after_validity": {"start_date": voucher.valid_to + DAY},
        "end_before_start": {"end_date": today() - DAY},
        "lock_before_start": {"locked_until": today() - DAY},
        "approvals_missing": {"approvals_accepted": False},
    }[case]
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office, **kwargs)

    assert refused.value.code == code
    assert refused.value.message
    assert snapshot() == before


def test_customership_create__start_outside_validity__message_names_the_validity(user, voucher, office):
    with pytest.raises(DomainError) as refused:
        create(user, voucher, office, start_date=voucher.valid_to + DAY)

    assert fmt(voucher.valid_from) in refused.value.message
    assert fmt(voucher.valid_to) in refused.value.message


def test_customership_create__not_a_capitation_voucher__refused_and_nothing_written():
    voucher = VoucherFactory()
    office = serving_office(voucher)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(provider_user(office.provider), voucher, office)

    assert refused.value.code == "not_capitation"
    assert snapshot() == before


def test_customership_create__voucher_closed__provider_refused_and_nothing_written(user, office):
    voucher = capitation_voucher(closed_on=today() - 5 * DAY, valid_from=today() - 100 * DAY)
    office = serving_office(voucher, office.provider)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office)

    assert refused.value.code == "voucher_closed"
    assert snapshot() == before


def test_customership_create__start_after_voucher_closing__organiser_refused(voucher, office):
    voucher.closed_on = today() - 5 * DAY
    voucher.save()
    with pytest.raises(DomainError) as refused:
        create(organiser_user(voucher.organiser), voucher, office)

    assert refused.value.code == "start_outside_validity"
    assert not Customership.objects.exists()


def test_customership_create__another_providers_office__refused_and_nothing_written(user, voucher):
    foreign = serving_office(voucher)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, foreign)

    assert refused.value.code == "not_allowed"
    assert snapshot() == before


def test_customership_create__organiser_of_another_organiser__refused(voucher, office):
    with pytest.raises(DomainError) as refused:
        create(organiser_user(), voucher, office)

    assert refused.value.code == "not_allowed"
    assert not Customership.objects.exists()


def test_customership_create__provider_without_agreement__refused_and_nothing_written(voucher):
    office = OfficeFactory()
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(organiser_user(voucher.organiser), voucher, office)

    assert refused.value.code == "no_agreement"
    assert snapshot() == before


def test_customership_create__already_a_customer_of_the_same_provider__refused(user, voucher, office):
    customership_at(office, voucher, locked_until=today() - DAY)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office)

    assert refused.value.code == "already_customer"
    assert snapshot() == before


# --- switching provider ----------------------------------------------------------------------


@pytest.fixture
def competitor_office(voucher):
    return serving_office(voucher, name="Kilpailijan terveysasema")


def test_customership_create__inside_lock_in__refused_with_lock_in_date(user, voucher, office, competitor_office):
    locked_until = today() + 40 * DAY
    old = customership_at(competitor_office, voucher, locked_until=locked_until)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office)

    assert refused.value.code == "locked_in"
    assert fmt(locked_until) in refused.value.message
    assert refused.value.params["locked_until"] == locked_until
    assert snapshot() == before
    old.refresh_from_db()
    assert old.end_date is None


def test_customership_create__starting_on_the_last_day_of_the_lock_in__refused(user, voucher, office, competitor_office):
    locked_until = today() + 40 * DAY
    customership_at(competitor_office, voucher, locked_until=locked_until)

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office, start_date=locked_until)

    assert refused.value.code == "locked_in"
    assert Customership.objects.count() == 1


def test_customership_create__starting_the_day_after_the_lock_in__ends_the_old_one_the_day_before(
    user, voucher, office, competitor_office
):
    locked_until = today() + 40 * DAY
    old = customership_at(competitor_office, voucher, locked_until=locked_until)

    new = create(user, voucher, office, start_date=locked_until + DAY)

    old.refresh_from_db()
    assert old.end_date == locked_until
    assert new.start_date == locked_until + DAY
    assert Customership.objects.in_force_on(locked_until).get() == old
    assert Customership.objects.in_force_on(locked_until + DAY).get() == new


def test_customership_create__after_lock_in__switches_and_ends_the_old_one_the_day_before(
    user, voucher, office, competitor_office
):
    old = customership_at(competitor_office, voucher, start=today() - 50 * DAY, locked_until=today() - DAY)

    new = create(user, voucher, office)

    old.refresh_from_db()
    assert old.end_date == today() - DAY
    assert new.start_date == today()
    assert Customership.objects.in_force_on(today()).get() == new
    assert changes_written() == 2  # the old one ended, the new one created


def test_customership_create__another_providers_customership_starting_later__refused_with_its_lock_in_date(
    user, voucher, office, competitor_office
):
    customership_at(competitor_office, voucher, start=today() + 10 * DAY, locked_until=today() + 10 * DAY)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office)

    assert refused.value.code == "locked_in"
    assert fmt(today() + 10 * DAY) in refused.value.message
    assert snapshot() == before


def test_customership_create__old_one_already_ended__no_change_to_it(user, voucher, office, competitor_office):
    old = customership_at(competitor_office, voucher, start=today() - 50 * DAY, end=today() - 10 * DAY,
                          locked_until=today() + 100 * DAY)

    create(user, voucher, office)

    old.refresh_from_db()
    assert old.end_date == today() - 10 * DAY


def test_customership_create__python_checks_bypassed__database_constraint_refuses(
    user, voucher, office, competitor_office, monkeypatch
):
    customership_at(competitor_office, voucher, locked_until=today() - DAY)
    monkeypatch.setattr("customers.services._overlapping", lambda *args, **kwargs: [])
    monkeypatch.setattr(Customership, "full_clean", lambda self, *args, **kwargs: None)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(user, voucher, office)

    assert refused.value.code == "overlap"
    assert snapshot() == before


# --- the organiser's transfer ----------------------------------------------------------------


def test_customership_transfer__inside_lock_in__moves_it_and_records_who_and_why(voucher, office, competitor_office):
    old = customership_at(competitor_office, voucher, locked_until=today() + 200 * DAY)
    staff = organiser_user(voucher.organiser)

    new = customership_transfer(user=staff, customership=old, office=office, reason="Asiakkaan muutto")

    old.refresh_from_db()
    assert old.end_date == today() - DAY
    assert (new.provider, new.office, new.start_date) == (office.provider, office, today())
    assert new.locked_until == one_year_after(today())
    assert new.transferred_from == old
    assert new.created_by == staff
    assert new.on_behalf is True
    assert new.reason == "Asiakkaan muutto"
    assert Customership.objects.in_force_on(today()).get() == new
    entry = AuditEntry.objects.get(action="change")
    assert "Asiakkaan muutto" in entry.what and entry.customer_id == voucher.customer_id


def test_customership_transfer__to_another_office_of_the_same_provider__allowed(voucher, competitor_office):
    old = customership_at(competitor_office, voucher)
    other_office = OfficeFactory(provider=competitor_office.provider)

    new = customership_transfer(user=organiser_user(voucher.organiser), customership=old, office=other_office,
                                start_date=today() + 5 * DAY, reason="Toimipaikka suljetaan")

    old.refresh_from_db()
    assert old.end_date == today() + 4 * DAY
    assert new.office == other_office


@pytest.mark.parametrize(
    "case, code",
    [
        ("provider_user", "not_allowed"),
        ("other_organiser", "not_allowed"),
        ("no_reason", "reason_missing"),
        ("same_office", "same_office"),
        ("start_on_old_start", "not_valid_on_start"),
        ("start_after_old_end", "not_valid_on_start"),
    ],
)
def test_customership_transfer__refusals__nothing_written(voucher, office, competitor_office, case, code):
    old = customership_at(competitor_office, voucher, end=today() + 10 * DAY)
    staff = organiser_user(voucher.organiser)
    kwargs = {"user": staff, "customership": old, "office": office, "reason": "Peruste"}
    kwargs.update({
        "provider_user": {"user": provider_user(office.provider)},
        "other_organiser": {"user": organiser_user()},
        "no_reason": {"reason": "   "},
        "same_office": {"office": competitor_office},
        "start_on_old_start": {"start_date": old.start_date},
        "start_after_old_end": {"start_date": today() + 11 * DAY},
    }[case])
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        customership_transfer(**kwargs)

    assert refused.value.code == code
    assert snapshot() == before


# --- ending ----------------------------------------------------------------------------------


def test_customership_end__by_its_provider__ends_it_without_closing_the_voucher(user, voucher, office):
    customership = customership_at(office, voucher)

    customership_end(user=user, customership=customership, end_date=today() + 3 * DAY, reason="Muutto")

    customership.refresh_from_db()
    voucher.refresh_from_db()
    assert customership.end_date == today() + 3 * DAY
    assert voucher.closed_on is None
    assert "Muutto" in AuditEntry.objects.get(action="change").what


def test_customership_end__by_the_organiser__allowed(voucher, office):
    customership = customership_at(office, voucher)

    customership_end(user=organiser_user(voucher.organiser), customership=customership, end_date=today())

    customership.refresh_from_db()
    assert customership.end_date == today()


@pytest.mark.parametrize("case, code", [
    ("competitor", "not_allowed"),
    ("before_start", "end_before_start"),
    ("after_current_end", "already_ends"),
])
def test_customership_end__refusals__nothing_written(voucher, office, competitor_office, case, code):
    customership = customership_at(office, voucher, end=today() + 10 * DAY)
    user = provider_user(competitor_office.provider if case == "competitor" else office.provider)
    end_date = {"competitor": today(), "before_start": customership.start_date - DAY,
                "after_current_end": today() + 20 * DAY}[case]
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        customership_end(user=user, customership=customership, end_date=end_date)

    assert refused.value.code == code
    assert snapshot() == before


# --- closing the voucher ---------------------------------------------------------------------


def test_voucher_close__ends_the_customership_on_the_closing_date(voucher, office):
    customership = customership_at(office, voucher)
    closing = today() + 7 * DAY

    voucher_close(user=organiser_user(voucher.organiser), voucher=voucher, closed_on=closing)

    customership.refresh_from_db()
    assert customership.end_date is None  # one row written: the voucher's
    assert customership.voucher.closed_on == closing
    assert customership.effective_end == closing
    assert Customership.objects.in_force_on(closing).get() == customership
    assert not Customership.objects.in_force_on(closing + DAY).exists()
    assert AuditEntry.objects.get(action="change").customer_id == voucher.customer_id


@pytest.mark.parametrize("case, code", [
    ("provider_user", "not_allowed"),
    ("other_organiser", "not_allowed"),
    ("already_closed", "already_closed"),
    ("before_validity", "closed_outside_validity"),
    ("after_validity", "closed_outside_validity"),
])
def test_voucher_close__refusals__nothing_written(voucher, office, case, code):
    if case == "already_closed":
        voucher.closed_on = today()
        voucher.save()
    user = {"provider_user": provider_user(office.provider), "other_organiser": organiser_user()}.get(
        case, organiser_user(voucher.organiser))
    closed_on = {"before_validity": voucher.valid_from - DAY, "after_validity": voucher.valid_to + DAY}.get(
        case, today() + DAY)
    before = voucher.closed_on

    with pytest.raises(DomainError) as refused:
        voucher_close(user=user, voucher=voucher, closed_on=closed_on)

    voucher.refresh_from_db()
    assert refused.value.code == code
    assert voucher.closed_on == before
    assert changes_written() == 0
