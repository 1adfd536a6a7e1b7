"""Issue 13, item 21: a provider learns (a badge and "Ilmoitukset") when the organiser booked on
its behalf, rejected or credited one of its events, or approved a payment run; optionally by e-mail."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import EventStatus
from events.services import event_credit, event_review
from notifications.models import Notification, NotificationKind
from organisations.models import Membership
from payments.models import Payment, PaymentRun
from payments.services import payment_run_approve
from reservations.services import reservation_create
from tests.events.scenarios import priced_reservation
from tests.factories import EventFactory, OrganiserFactory, ProviderFactory, organiser_user, provider_user
from tests.reservations.scenarios import reservable_voucher

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def badge(html: str) -> str | None:
    """The number in the header's "Ilmoitukset" badge, or None without one."""
    start = html.find(f'href="{LIST}"')
    if start < 0:
        return None
    link = html[start:html.find("</a>", start)]
    if "badge" not in link:
        return None
    return link.split('class="badge badge-review">')[1].split("<")[0]


# --- made where the organiser acts ----------------------------------------------------------------


def test_reservation_on_behalf__the_provider_is_notified():
    scene = reservable_voucher()
    staff = organiser_user(scene.organiser)
    reservation = reservation_create(user=staff, voucher=scene.voucher, voucher_content=scene.content,
                                     terms_accepted=True, provider=scene.provider)
    notification = Notification.objects.get()
    assert (notification.provider, notification.kind) == (scene.provider, NotificationKind.ON_BEHALF)
    assert scene.voucher.number in notification.text and scene.organiser.name in notification.text
    assert notification.link == reverse("reservations:detail", args=[reservation.pk])


def test_reservation_by_the_provider_itself__no_notification():
    scene = reservable_voucher()
    reservation_create(user=provider_user(scene.provider), voucher=scene.voucher, voucher_content=scene.content,
                       terms_accepted=True)
    assert not Notification.objects.exists()


def test_event_rejected__notified_with_the_reason_approved__not():
    reservation = priced_reservation()
    staff = organiser_user(reservation.voucher.organiser)
    rejected = EventFactory(reservation=reservation, status=EventStatus.UNDER_REVIEW)
    approved = EventFactory(reservation=reservation, status=EventStatus.UNDER_REVIEW)
    event_review(user=staff, event_id=approved.pk, approve=True)
    event_review(user=staff, event_id=rejected.pk, approve=False, reason="Ei myönnetty")
    notification = Notification.objects.get()
    assert (notification.provider_id, notification.kind) == (reservation.provider_id, NotificationKind.REJECTED)
    assert "Ei myönnetty" in notification.text and reservation.voucher.number in notification.text


def test_event_credited__notified_with_the_explanation():
    reservation = priced_reservation()
    staff = organiser_user(reservation.voucher.organiser)
    settled = EventFactory(reservation=reservation, status=EventStatus.SETTLED)
    event_credit(user=staff, event_id=settled.pk, reason_code="other", explanation="Käynti peruttiin")
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.CREDITED and "Käynti peruttiin" in notification.text


def ready_run(organiser, providers_amounts):
    run = PaymentRun.objects.create(organiser=organiser, month=dt.date(2025, 6, 1), status=PaymentRun.Status.READY,
                                    progress=100, created_by=organiser_user(organiser))
    for provider, amount in providers_amounts:
        Payment.objects.create(run=run, provider=provider, amount=amount)
    return run


def test_payment_run_approved__each_paid_provider_notified_in_one_insert():
    organiser = OrganiserFactory(name="Maksajan hyvinvointialue")
    first, second = ProviderFactory(), ProviderFactory()
    run = ready_run(organiser, [(first, D("1234.50")), (second, D("10.00"))])
    with CaptureQueriesContext(connection) as queries:
        payment_run_approve(user=organiser_user(organiser), run=run)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT INTO notifications_")]
    assert len(inserts) == 1
    texts = {n.provider_id: n.text for n in Notification.objects.filter(kind=NotificationKind.PAYMENT_APPROVED)}
    assert set(texts) == {first.pk, second.pk}
    assert "1\u00a0234,50\u00a0€" in texts[first.pk] and "6/2025" in texts[first.pk] and "Maksajan hyvinvointialue" in texts[first.pk]
    assert "10,00\u00a0€" in texts[second.pk]


# --- the badge and the list -------------------------------------------------------------------------


def test_badge__unread_counted_for_the_provider_only(login):
    reservation = priced_reservation()
    Notification.objects.create(provider=reservation.provider, kind=NotificationKind.REJECTED, params={"reason": "x"})
    Notification.objects.create(provider=ProviderFactory(), kind=NotificationKind.REJECTED, params={"reason": "y"})
    html = login(reservation.created_by).get(reverse("vouchers:customer_tab")).content.decode()
    assert badge(html) == "1"
    # Organisers have notifications of their own since issue 24 (applications sent to them); a provider's are not counted.
    organiser_html = login(organiser_user(reservation.voucher.organiser)).get(reverse("vouchers:customer_tab")).content.decode()
    assert f'href="{LIST}"' in organiser_html and badge(organiser_html) is None


def test_list__shows_own_notifications_and_marking_read_clears_the_badge(login):
    reservation = priced_reservation()
    own = Notification.objects.create(provider=reservation.provider, kind=NotificationKind.REJECTED,
                                      params={"number": "777", "reason": "Päällekkäinen käynti"})
    Notification.objects.create(provider=ProviderFactory(), kind=NotificationKind.REJECTED,
                                params={"number": "888", "reason": "Toisen tuottajan"})
    client = login(provider_user(reservation.provider, role=Membership.Role.RECORDER))
    html = client.get(LIST).content.decode()
    assert "Päällekkäinen käynti" in html and "Toisen tuottajan" not in html
    assert badge(html) == "1"

    response = client.post(reverse("notifications:mark_read"), {"viimeisin": own.pk}, follow=True)
    own.refresh_from_db()
    assert own.read_at is not None
    assert badge(response.content.decode()) is None


def test_mark_read__another_providers_notification__404_and_nothing_written(login):
    theirs = Notification.objects.create(provider=ProviderFactory(), kind=NotificationKind.REJECTED, params={})
    response = login(provider_user(ProviderFactory())).post(reverse("notifications:mark_read"), {"viimeisin": theirs.pk})
    theirs.refresh_from_db()
    assert response.status_code == 404 and theirs.read_at is None


def test_list__organiser__its_own_notifications_only(login):
    """Issue 24: an organiser is told of an application sent to it; it never sees a provider's notifications."""
    organiser = OrganiserFactory()
    Notification.objects.create(organiser=organiser, kind=NotificationKind.APPLICATION_SENT,
                                params={"company": "Uusi Hoiva Oy", "service": "Kotihoito"})
    Notification.objects.create(provider=ProviderFactory(), kind=NotificationKind.REJECTED, params={"reason": "salainen"})
    html = login(organiser_user(organiser)).get(LIST).content.decode()
    assert "Uusi Hoiva Oy lähetti hakemuksen palveluun Kotihoito." in html and "salainen" not in html


def test_badge__one_query_whatever_the_number_of_notifications(login):
    reservation = priced_reservation()
    client = login(reservation.created_by)
    Notification.objects.create(provider=reservation.provider, kind=NotificationKind.REJECTED, params={})
    client.get(reverse("vouchers:customer_tab"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("vouchers:customer_tab"))
    Notification.objects.bulk_create(
        Notification(provider=reservation.provider, kind=NotificationKind.REJECTED, params={}) for _ in range(120))
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("vouchers:customer_tab")).content.decode()
    assert len(many) == len(one)
    assert badge(html) == "99+"
    assert len([q for q in many.captured_queries if "notifications_notification" in q["sql"]]) == 1


# --- e-mail -------------------------------------------------------------------------------------------


def test_email__on__sent_after_commit_to_the_providers_users(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_EMAILS = True
    reservation = priced_reservation()
    reservation.created_by.email = "tuottaja@example.fi"
    reservation.created_by.save()
    settled = EventFactory(reservation=reservation, status=EventStatus.SETTLED)
    with django_capture_on_commit_callbacks(execute=True):
        event_credit(user=organiser_user(reservation.voucher.organiser), event_id=settled.pk, reason_code="other",
                     explanation="Hyvitetään")
    assert [message.to for message in mail.outbox] == [["tuottaja@example.fi"]]
    assert "Hyvitetään" in mail.outbox[0].body


def test_email__off__nothing_sent(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_EMAILS = False
    reservation = priced_reservation()
    reservation.created_by.email = "tuottaja@example.fi"
    reservation.created_by.save()
    settled = EventFactory(reservation=reservation, status=EventStatus.SETTLED)
    with django_capture_on_commit_callbacks(execute=True):
        event_credit(user=organiser_user(reservation.voucher.organiser), event_id=settled.pk, reason_code="other",
                     explanation="Hyvitetään")
    assert mail.outbox == []
