"""The Django admin: every register lists, searches, filters and opens its add form."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from demo.identifiers import make_business_id
from organisations.models import Provider, ProviderUnit
from tests.factories import UserFactory, login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_admin__changelist_search_and_add_page__answer_200(admin_client, rf, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "Hoiva 1001 Virtanen"}).status_code == 200
    request = rf.get(changelist)
    request.user = UserFactory(is_staff=True, is_superuser=True)
    if admin.site._registry[model].has_add_permission(request):
        assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_admin__voucher_search_by_number_and_customer_name(admin_client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    url = reverse("admin:vouchers_voucher_changelist")
    by_number = admin_client.get(url, {"q": "1001"}).content.decode()
    assert ">1001<" in by_number and ">1002<" not in by_number
    by_name = admin_client.get(url, {"q": "Virtanen"}).content.decode()
    assert ">1001<" in by_name
    by_kind = admin_client.get(url, {"service__kind__exact": "balance"}).content.decode()
    assert ">3001<" in by_kind and ">1001<" not in by_kind


def test_admin__provider_search_by_business_id(admin_client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    hoiva = Provider.objects.get(name="Hoiva Esimerkki Oy")
    body = admin_client.get(reverse("admin:organisations_provider_changelist"), {"q": hoiva.business_id}).content.decode()
    assert "Hoiva Esimerkki Oy" in body and "Kilpailija Oy" not in body


def test_admin__provider_added__gets_its_default_unit(admin_client):
    business_id = make_business_id(2999000)
    data = {
        "name": "Uusi Hoiva Oy",
        "business_id": business_id,
        "units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0",
        "offices-TOTAL_FORMS": "0", "offices-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:organisations_provider_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = Provider.objects.get(business_id=business_id)
    assert list(ProviderUnit.objects.filter(provider=provider).values_list("name", "is_default")) == [
        ("Uusi Hoiva Oy", True)
    ]


def test_admin__customer_list_shows_henkilotunnus_masked(admin_client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    from vouchers.models import Customer

    customer = Customer.objects.get(vouchers__number="1001")
    body = admin_client.get(reverse("admin:vouchers_customer_changelist"), {"q": "Virtanen"}).content.decode()
    assert customer.masked_henkilotunnus in body and customer.henkilotunnus not in body


def test_admin__vouchers_and_events_have_no_bulk_actions__a_posted_delete_selected_deletes_nothing(admin_client):
    """Vouchers are closed and events credited through the services; neither is deleted a page at
    a time (and the lists of millions carry no checkbox per row)."""
    from events.models import Event
    from tests.factories import EventFactory, VoucherFactory
    from vouchers.models import Voucher

    voucher, event = VoucherFactory(), EventFactory()
    for model, row in ((Voucher, voucher), (Event, event)):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        html = admin_client.get(url).content.decode()
        assert 'name="_selected_action"' not in html and 'name="action"' not in html
        admin_client.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
        assert model.objects.filter(pk=row.pk).exists()
