"""Views: "Tee palveluvaraus", the "Palveluvaraukset" tab and a reservation's details."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from reservations.models import Reservation
from tests.factories import (
    CustomerFactory,
    EventFactory,
    ProviderUnitFactory,
    ReservationFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from tests.reservations.scenarios import assert_nothing_written, reservable_voucher, rival_provider
from vouchers.models import VoucherKind

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def create_url(voucher):
    return reverse("reservations:create", args=[voucher.number])


def aimed_at(target):
    return {**HTMX, "HTTP_HX_TARGET": target}


def form_data(scene, **overrides):
    data = {
        "palveluntuottajaosa": scene.provider.units.get(is_default=True).pk,
        "palvelusisalto": scene.content.pk,
        "tapahtumavaraus": "Käynnit ma–pe klo 8",
        "hyvaksyn": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- "Tee palveluvaraus" ---


def test_reservation_create_view__login_required(client):
    scene = reservable_voucher()
    response = client.get(create_url(scene.voucher))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.post(create_url(scene.voucher), form_data(scene)).status_code == 302
    assert_nothing_written()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_reservation_create_view__wrong_method__405(login, method):
    scene = reservable_voucher()
    assert getattr(login(scene.provider_user), method)(create_url(scene.voucher)).status_code == 405


def test_reservation_create_view__voucher_the_provider_may_not_see__404(login):
    scene = reservable_voucher(priced=False)
    client = login(scene.provider_user)
    assert client.get(create_url(scene.voucher)).status_code == 404
    assert client.post(create_url(scene.voucher), form_data(scene)).status_code == 404
    assert client.get(reverse("reservations:create", args=["999999999999"])).status_code == 404
    assert client.get("/ostovoimat/abc/palveluvaraus/").status_code == 404  # not a number: no such URL
    assert_nothing_written()


def test_reservation_create_view__another_organisers_voucher__404(login):
    scene = reservable_voucher()
    client = login(organiser_user())
    assert client.post(create_url(scene.voucher), form_data(scene, palveluntuottaja=scene.provider.pk)).status_code == 404
    assert_nothing_written()


def test_reservation_create_view__full_page__form_with_default_unit_and_contents(login):
    scene = reservable_voucher()
    response = login(scene.provider_user).get(create_url(scene.voucher))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Lähetä palveluvaraus" in html
    default_unit = scene.provider.units.get(is_default=True)
    assert f'<option value="{default_unit.pk}" selected>' in html
    for row in scene.contents:
        assert row.content.name in html
    assert 'name="hyvaksyn"' in html
    assert 'name="palveluntuottaja"' not in html
    assert "HX-Request" in response["Vary"]


def test_reservation_create_view__htmx_aimed_at_lookup_result__fragment(login):
    scene = reservable_voucher()
    response = login(scene.provider_user).get(create_url(scene.voucher), **aimed_at("lookup-result"))
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="lookup-result"')
    assert 'hx-post="%s"' % create_url(scene.voucher) in html


def test_reservation_create_view__htmx_aimed_elsewhere_or_boosted__full_page(login):
    scene = reservable_voucher()
    client = login(scene.provider_user)
    for headers in (aimed_at("panel") | {"HTTP_HX_BOOSTED": "true"}, {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}):
        assert "<html" in client.get(create_url(scene.voucher), **headers).content.decode()


def test_reservation_create_view__form_read__customer_read_audited(login):
    scene = reservable_voucher()
    login(scene.provider_user).get(create_url(scene.voucher))
    assert AuditEntry.objects.filter(action="read", customer_id=scene.voucher.customer_id).count() == 1


def test_reservation_create_view__plain_post__reserves_and_redirects_to_the_reservation(login):
    scene = reservable_voucher()
    client = login(scene.provider_user)
    response = client.post(create_url(scene.voucher), form_data(scene))
    reservation = Reservation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reservations:detail", args=[reservation.pk])
    assert reservation.event_text == "Käynnit ma–pe klo 8"
    assert reservation.created_by == scene.provider_user
    page = client.get(response["Location"]).content.decode()
    assert "Palveluvaraus on tehty." in page


def test_reservation_create_view__htmx_post__shows_the_reservation_and_triggers_event(login):
    scene = reservable_voucher()
    response = login(scene.provider_user).post(create_url(scene.voucher), form_data(scene), **aimed_at("lookup-result"))
    reservation = Reservation.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Palveluvaraus on tehty" in html
    assert "Käynnit ma–pe klo 8" in html
    assert "HX-Trigger" not in response  # nothing listens for an event
    assert response["HX-Push-Url"] == reverse("reservations:detail", args=[reservation.pk])
    # Issue 23, "Also": where to see it is a link, not a sentence naming a tab.
    assert f'<a href="{LIST}" hx-get="{LIST}"' in html and "Näytä palveluvaraukset</a>" in html


def test_reservation_create_view__terms_not_ticked__form_again_with_finnish_error(login):
    scene = reservable_voucher()
    response = login(scene.provider_user).post(
        create_url(scene.voucher), form_data(scene, hyvaksyn=None), **aimed_at("lookup-result")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Palveluvaraus edellyttää sopimusehtojen ja sopimussuhteen muodostamisen hyväksymistä." in html
    assert "Lähetä palveluvaraus" in html
    assert "Käynnit ma–pe klo 8" in html  # what was typed is kept
    assert_nothing_written()


def test_reservation_create_view__no_content_chosen__form_again_with_finnish_error(login):
    scene = reservable_voucher()
    response = login(scene.provider_user).post(create_url(scene.voucher), form_data(scene, palvelusisalto=None))
    assert "Valitse yksi palvelusisältö." in response.content.decode()
    assert_nothing_written()


def test_reservation_create_view__content_of_another_voucher__form_error(login):
    scene = reservable_voucher()
    foreign = VoucherContentFactory()
    response = login(scene.provider_user).post(create_url(scene.voucher), form_data(scene, palvelusisalto=foreign.pk))
    assert "Valitse palvelusisältö listasta." in response.content.decode()
    assert_nothing_written()


def test_reservation_create_view__already_reserved__another_provider_told_so(login):
    scene = reservable_voucher()
    ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider)
    rival, rival_user = rival_provider(scene)
    data = form_data(scene, palveluntuottajaosa=rival.units.get().pk)
    response = login(rival_user).post(create_url(scene.voucher), data, **aimed_at("lookup-result"))
    html = response.content.decode()
    assert "Ostovoima on jo varattu." in html
    assert scene.provider.name not in html
    assert "Lähetä palveluvaraus" not in html
    assert Reservation.objects.count() == 1


def test_reservation_create_view__closed_voucher__provider_refused_with_message(login):
    scene = reservable_voucher(closed_days_ago=2)
    response = login(scene.provider_user).post(create_url(scene.voucher), form_data(scene))
    assert "Palveluvarausta ei voi tehdä" in response.content.decode()
    assert_nothing_written()


def test_reservation_create_view__capitation_voucher__refused_and_pointed_to_luo_asiakkuus(login):
    scene = reservable_voucher(kind=VoucherKind.CAPITATION)
    response = login(scene.provider_user).post(create_url(scene.voucher), form_data(scene))
    html = response.content.decode()
    assert "Luo asiakkuus" in html
    assert reverse("customers:create", args=[scene.voucher.number]) in html
    assert_nothing_written()


def test_reservation_create_view__organiser__chooses_provider_and_reserves_on_its_behalf(login):
    scene = reservable_voucher(closed_days_ago=30)
    rival_provider(scene)
    client = login(scene.organiser_user)
    html = client.get(create_url(scene.voucher)).content.decode()
    assert 'name="palveluntuottaja"' in html
    assert scene.provider.name in html
    response = client.post(
        create_url(scene.voucher), form_data(scene, palveluntuottaja=scene.provider.pk, palveluntuottajaosa="")
    )
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert reservation.on_behalf is True
    assert reservation.provider == scene.provider
    assert reservation.unit == scene.provider.units.get(is_default=True)
    assert reservation.created_by == scene.organiser_user


def test_reservation_create_view__organiser_picks_provider__unit_choices_narrow_to_it(login):
    scene = reservable_voucher()
    rival, _ = rival_provider(scene)
    own_unit = ProviderUnitFactory(provider=scene.provider, name="Itäinen tiimi")
    response = login(scene.organiser_user).get(
        create_url(scene.voucher), {"palveluntuottaja": scene.provider.pk}, **aimed_at("lookup-result")
    )
    html = response.content.decode()
    unit_select = html[html.index('<select name="palveluntuottajaosa"') :]
    unit_select = unit_select[: unit_select.index("</select>")]
    assert f'<option value="{own_unit.pk}">Itäinen tiimi</option>' in unit_select
    assert f'value="{rival.units.get().pk}"' not in unit_select
    assert f'<option value="{scene.provider.pk}" selected>' in html


def test_reservation_create_view__organiser_without_provider__form_error(login):
    scene = reservable_voucher()
    response = login(scene.organiser_user).post(create_url(scene.voucher), form_data(scene, palveluntuottajaosa=""))
    assert "Valitse palveluntuottaja." in response.content.decode()
    assert_nothing_written()


def test_reservation_create_view__organiser_61_days_after_closing__refused(login):
    scene = reservable_voucher(closed_days_ago=61)
    response = login(scene.organiser_user).post(
        create_url(scene.voucher), form_data(scene, palveluntuottaja=scene.provider.pk)
    )
    assert "enintään 60 päivää sulkemisen jälkeen" in response.content.decode()
    assert_nothing_written()


# --- The "Palveluvaraukset" tab ---

LIST = reverse("reservations:list")


def reservations_of(provider, count, **kwargs):
    return [ReservationFactory(provider=provider, **kwargs) for _ in range(count)]


def test_reservation_list__login_required(client):
    response = client.get(LIST)
    assert response.status_code == 302


def test_reservation_list__post__405(login):
    assert login(provider_user()).post(LIST).status_code == 405


def test_reservation_list__provider__own_active_reservations_newest_first(login):
    scene = reservable_voucher()
    older, newer = reservations_of(scene.provider, 2)
    Reservation.objects.filter(pk=older.pk).update(created_at=newer.created_at - dt.timedelta(days=1))
    ended = ReservationFactory(provider=scene.provider, voucher=VoucherFactory.closed(days_ago=1))
    foreign = ReservationFactory()
    html = login(scene.provider_user).get(LIST).content.decode()
    assert html.index(f'id="reservation-{newer.pk}"') < html.index(f'id="reservation-{older.pk}"')
    assert f'id="reservation-{ended.pk}"' not in html
    assert f'id="reservation-{foreign.pk}"' not in html


def test_reservation_list__unit_named_as_its_provider__the_name_once(login):
    """Issue 23, "Also": not "Hoiva Esimerkki Oy / Hoiva Esimerkki Oy"."""
    scene = reservable_voucher()
    [reservation] = reservations_of(scene.provider, 1)
    unit = reservation.unit
    unit.name = scene.provider.name
    unit.save()
    html = login(scene.provider_user).get(LIST).content.decode()
    row = html[html.index(f'id="reservation-{reservation.pk}"'):]
    assert scene.provider.name in row and f"{scene.provider.name} / {scene.provider.name}" not in row
    unit.name = "Kotihoito Itä"
    unit.save()
    html = login(scene.provider_user).get(LIST).content.decode()
    assert f"{scene.provider.name} / Kotihoito Itä" in html


def test_reservation_list__organiser__its_organisers_reservations_only(login):
    scene = reservable_voucher()
    own = ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider)
    foreign = ReservationFactory()
    html = login(scene.organiser_user).get(LIST).content.decode()
    assert f'id="reservation-{own.pk}"' in html
    assert f'id="reservation-{foreign.pk}"' not in html


def test_reservation_list__search_by_voucher_number_and_customer_name(login):
    user = provider_user()
    provider = user.membership.provider
    aino = ReservationFactory(provider=provider, voucher=VoucherFactory(number="5550001", customer=CustomerFactory(first_name="Aino", last_name="Aaltonen")))
    eino = ReservationFactory(provider=provider, voucher=VoucherFactory(number="7770002", customer=CustomerFactory(first_name="Eino", last_name="Berg")))
    client = login(user)

    def shown(text, **headers):
        html = client.get(LIST, {"haku": text}, **headers).content.decode()
        return {pk for pk in (aino.pk, eino.pk) if f'id="reservation-{pk}"' in html}

    assert shown("5550001") == {aino.pk}
    assert shown("777") == {eino.pk}
    assert shown("aaltonen") == {aino.pk}
    assert shown("Berg eino") == {eino.pk}
    assert shown("  ") == {aino.pk, eino.pk}
    assert shown("nobody") == set()
    assert shown("x" * 10_000) == set()
    assert shown("aino", **aimed_at("reservation-results")) == {aino.pk}


def test_reservation_list__search_aimed_at_results__results_fragment_only(login):
    ReservationFactory()
    response = login(provider_user()).get(LIST, {"haku": "x"}, **aimed_at("reservation-results"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="reservation-results"')
    assert "<html" not in html
    assert 'id="reservation-search"' not in html


def test_reservation_list__tab_aimed_at_panel__panel_fragment(login):
    html = login(provider_user()).get(LIST, **aimed_at("panel")).content.decode()
    assert html.lstrip().startswith('<div id="panel"')
    assert "<html" not in html


def _pager_link(html, rel):
    """The query of the "Seuraava" (rel=next) or "Edellinen" (rel=prev) link, unescaped."""
    match = re.search(rf'<a href="\?([^"]+)"[^>]*rel="{rel}"', html)
    return match[1].replace("&amp;", "&") if match else None


def test_reservation_list__paginated_25_a_page_by_keyset_keeping_the_search(login):
    user = provider_user()
    reservations = reservations_of(user.membership.provider, 27)
    client = login(user)
    first = client.get(LIST, {"haku": "9"}).content.decode()
    assert first.count('class="toggle"') == 25
    assert _pager_link(first, "prev") is None
    following = _pager_link(first, "next")
    assert following.startswith("jalkeen=") and following.endswith("&haku=9")
    second = client.get(f"{LIST}?{following}").content.decode()
    assert second.count('class="toggle"') == 2 and _pager_link(second, "next") is None
    oldest = min(reservations, key=lambda r: (r.created_at, r.pk))
    assert f'id="reservation-{oldest.pk}"' in second and f'id="reservation-{oldest.pk}"' not in first
    back = client.get(f"{LIST}?{_pager_link(second, 'prev')}").content.decode()
    assert back.count('class="toggle"') == 25 and _pager_link(back, "prev") is None


def test_reservation_list__unreadable_cursor__first_page(login):
    user = provider_user()
    reservations_of(user.membership.provider, 2)
    client = login(user)
    huge_id = "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwgMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMF0"  # an id past bigint
    for cursor in ("x", "%00", "W10", "WyJ4IiwieCJd", "a" * 600, "WzEsMl0", huge_id):
        response = client.get(LIST, {"jalkeen": cursor})
        assert response.status_code == 200
        assert response.content.decode().count('class="toggle"') == 2


def test_reservation_list__voucher_number_in_full__its_reservation_first(login):
    user = provider_user()
    provider = user.membership.provider
    longer = ReservationFactory(provider=provider, voucher=VoucherFactory(number="10058"))
    exact = ReservationFactory(provider=provider, voucher=VoucherFactory(number="1005"))
    Reservation.objects.filter(pk=exact.pk).update(created_at=longer.created_at - dt.timedelta(days=1))
    html = login(user).get(LIST, {"haku": "1005"}).content.decode()
    assert html.index(f'id="reservation-{exact.pk}"') < html.index(f'id="reservation-{longer.pk}"')
    assert html.count(f'id="reservation-{exact.pk}"') == 1


def test_reservation_list__rows_have_a_plus_link_with_href_and_hx_get(login):
    user = provider_user()
    (reservation,) = reservations_of(user.membership.provider, 1)
    html = login(user).get(LIST).content.decode()
    detail = reverse("reservations:detail", args=[reservation.pk])
    assert f'href="{detail}" hx-get="{detail}"' in html
    assert 'aria-expanded="false"' in html
    assert f'aria-controls="reservation-{reservation.pk}-details"' in html


def test_reservation_list__audits_each_customer_shown(login):
    user = provider_user()
    shown = reservations_of(user.membership.provider, 3)
    login(user).get(LIST)
    assert set(AuditEntry.objects.filter(action="read").values_list("customer_id", flat=True)) == {
        r.voucher.customer_id for r in shown
    }


def test_reservation_list__query_count_does_not_grow_with_rows(login):
    user = provider_user()
    client = login(user)
    reservations_of(user.membership.provider, 2)
    client.get(LIST)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    reservations_of(user.membership.provider, 10)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)


# --- A reservation's details ---


def detail_url(reservation):
    return reverse("reservations:detail", args=[reservation.pk])


def test_reservation_detail__login_required(client):
    assert client.get(detail_url(ReservationFactory())).status_code == 302


def test_reservation_detail__post__405(login):
    reservation = ReservationFactory()
    assert login(reservation.created_by).post(detail_url(reservation)).status_code == 405


def test_reservation_detail__another_providers_reservation__404(login):
    reservation = ReservationFactory()
    assert login(provider_user()).get(detail_url(reservation)).status_code == 404
    assert login(provider_user()).get(detail_url(reservation), **aimed_at(f"reservation-{reservation.pk}")).status_code == 404


def test_reservation_detail__another_organisers_reservation__404(login):
    reservation = ReservationFactory()
    assert login(organiser_user()).get(detail_url(reservation)).status_code == 404


def test_reservation_detail__full_page__everything_about_it(login):
    scene = reservable_voucher()
    reservation = ReservationFactory(
        voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider,
        created_by=scene.organiser_user, on_behalf=True, event_text="Iltakäynnit",
    )
    event = EventFactory(reservation=reservation)
    response = login(scene.provider_user).get(detail_url(reservation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    for text in (
        scene.voucher.number, scene.content.content.name, scene.provider.units.get().name, "Iltakäynnit",
        scene.organiser_user.get_full_name(), f"Palvelunjärjestäjä palveluntuottajan {scene.provider.name} puolesta",
        event.date.strftime("%-d.%-m.%Y"), "Kirjattu", "Kirjaa tapahtuma",
    ):
        assert text in html, text
    assert reverse("events:create", args=[reservation.pk]) in html
    assert AuditEntry.objects.filter(action="read", customer_id=scene.voucher.customer_id).exists()


def test_reservation_detail__aimed_at_its_row__expanded_row_in_place(login):
    reservation = ReservationFactory()
    response = login(reservation.created_by).get(detail_url(reservation), **aimed_at(f"reservation-{reservation.pk}"))
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tbody id="reservation-{reservation.pk}"')
    assert 'aria-expanded="true"' in html
    assert "Kirjaa tapahtuma" in html
    assert "<html" not in html


def test_reservation_detail__collapse_link__row_closed_again(login):
    reservation = ReservationFactory()
    response = login(reservation.created_by).get(
        detail_url(reservation), {"piilota": "1"}, **aimed_at(f"reservation-{reservation.pk}")
    )
    html = response.content.decode()
    assert 'aria-expanded="false"' in html
    assert "Kirjaa tapahtuma" not in html


def test_reservation_detail__aimed_at_panel__panel_fragment(login):
    reservation = ReservationFactory()
    html = login(reservation.created_by).get(detail_url(reservation), **aimed_at("panel")).content.decode()
    assert html.lstrip().startswith('<div id="panel"')


def test_reservation_detail__query_count_does_not_grow_with_events(login):
    reservation = ReservationFactory()
    client = login(reservation.created_by)
    EventFactory(reservation=reservation)
    client.get(detail_url(reservation))
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(reservation))
    for _ in range(8):
        EventFactory(reservation=reservation)
    with CaptureQueriesContext(connection) as many:
        client.get(detail_url(reservation))
    assert len(many) == len(few)
