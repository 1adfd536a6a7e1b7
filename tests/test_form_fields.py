"""Every form field through one template (templates/forms/field.html, core.forms.FormRenderer):
label, hint and errors, the hint and the errors tied to the input with aria-describedby, the bad
field aria-invalid, and an error summary (templates/_form_errors.html) first in the form."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from audit.forms import AuditSearchForm
from core.dates import today
from organisations.models import Membership
from tests.customers.scenarios import capitation_voucher, serving_office
from tests.events.scenarios import days_ago, priced_reservation
from tests.factories import ProviderFactory, organiser_user, provider_user
from tests.reservations.scenarios import reservable_voucher

pytestmark = pytest.mark.django_db

CHECK_THE_FORM = "Tarkista lomakkeen tiedot."
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- a page as a tree -------------------------------------------------------------------------------


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, attrs, parent, [], ""

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    def find_all(self, tag=None, **attrs):
        return [e for e in self.walk() if (tag is None or e.tag == tag)
                and all(e.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items())]

    def all_text(self):
        return self.text + "".join(child.all_text() for child in self.children)


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data


def parse(response) -> Element:
    assert response.status_code == 200, response.status_code
    tree = _Tree()
    tree.feed(response.content.decode())
    return tree.root


def ids_of(page) -> list[str]:
    return [e.attrs["id"] for e in page.walk() if "id" in e.attrs]


def by_id(page, id_):
    found = [e for e in page.walk() if e.attrs.get("id") == id_]
    assert len(found) == 1, f"{len(found)} elements with id {id_!r}"
    return found[0]


def form_with(page, field_id) -> Element:
    element = by_id(page, field_id)
    while element.tag != "form":
        element = element.parent
    return element


def assert_accessible_errors(page, form, *, bad=(), groups=(), hints=()):
    """The form starts with the summary, every id that aria-describedby and the summary's links
    name is in the page (once), the bad fields (radio groups: their fieldsets) are aria-invalid and
    described by their errors, the summary links to each, and the hints describe their fields."""
    ids = ids_of(page)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"ids repeated in the page: {duplicates}"

    first = form.children[0]
    assert first.attrs.get("role") == "alert", f"the form starts with <{first.tag} {first.attrs}>"
    assert "notice-error" in first.attrs.get("class", "")

    for element in page.walk():
        for id_ in element.attrs.get("aria-describedby", "").split():
            assert id_ in ids, f"<{element.tag} id={element.attrs.get('id')}> is described by missing #{id_}"
    for link in first.find_all("a"):
        assert link.attrs["href"].removeprefix("#") in ids, link.attrs["href"]

    for name in bad:
        field = by_id(page, f"id_{name}")
        assert field.attrs.get("aria-invalid") == "true", name
        error = by_id(page, f"id_{name}_error")
        assert "errorlist" in error.attrs["class"].split()
        assert f"id_{name}_error" in field.attrs["aria-describedby"].split(), name
        assert any(a.attrs["href"] == f"#id_{name}" for a in first.find_all("a")), f"no link to #{name} in the summary"
    for name in groups:
        fieldset = by_id(page, f"id_{name}_0")
        while fieldset.tag != "fieldset":
            fieldset = fieldset.parent
        assert fieldset.children[0].tag == "legend"
        assert f"id_{name}_error" in fieldset.attrs["aria-describedby"].split(), name
        assert "errorlist" in by_id(page, f"id_{name}_error").attrs["class"].split()
        assert any(a.attrs["href"] == f"#id_{name}_0" for a in first.find_all("a")), f"no link to #{name} in the summary"
    for name in hints:
        hint = by_id(page, f"id_{name}_helptext")
        assert "hint" in hint.attrs["class"].split()
        described = by_id(page, f"id_{name}")
        if described.tag == "div":  # the options of a radio group: the fieldset is described
            while described.tag != "fieldset":
                described = described.parent
        assert f"id_{name}_helptext" in described.attrs["aria-describedby"].split(), name
    invalid = [e.attrs.get("name") for e in form.walk() if e.attrs.get("aria-invalid") == "true"]
    assert sorted(set(invalid)) == sorted([*bad, *groups])


# --- the pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Target": "panel"}], ids=["page", "fragment"])
def test_event_form__bad_date__summary_first_and_the_date_field_invalid_described_by_its_error(login, headers):
    reservation = priced_reservation()
    data = {"paivamaara": "31.02.2024", "sisalto": reservation.voucher_content_id, "maara": "1", "lisatieto": ""}

    response = login(reservation.created_by).post(reverse("events:create", args=[reservation.pk]), data, headers=headers)

    page = parse(response)
    form = form_with(page, "id_paivamaara")
    assert_accessible_errors(page, form, bad=["paivamaara"])
    summary = form.children[0].all_text()
    assert CHECK_THE_FORM in summary and "Päivämäärä: Anna päivämäärä muodossa pp.kk.vvvv." in summary


def test_event_form__refused_by_the_service__its_message_in_the_summary_without_a_field_to_check(login):
    reservation = priced_reservation()
    data = {"paivamaara": days_ago(-1).isoformat(), "sisalto": reservation.voucher_content_id, "maara": "1"}

    response = login(reservation.created_by).post(reverse("events:create", args=[reservation.pk]), data)

    page = parse(response)
    form = form_with(page, "id_paivamaara")
    assert_accessible_errors(page, form, bad=[])
    summary = form.children[0].all_text()
    assert "Tapahtumaa ei voi kirjata tulevalle päivälle." in summary and CHECK_THE_FORM not in summary


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Target": "lookup-result"}], ids=["page", "fragment"])
def test_customership_create__bad_end_date_and_no_approvals__summary_links_hints_and_checkboxes(login, headers):
    voucher = capitation_voucher()
    office = serving_office(voucher, name="Keskusta")
    data = {"toimipaikka": office.pk, "alkaa": today().isoformat(), "paattyy": "huomenna", "aikarajaus": ""}

    response = login(provider_user(office.provider)).post(reverse("customers:create", args=[voucher.number]), data,
                                                          headers=headers)

    page = parse(response)
    form = form_with(page, "id_paattyy")
    assert_accessible_errors(page, form, bad=["paattyy", "sopimusehdot", "sopimussuhde"], hints=("paattyy", "aikarajaus"))
    checkbox = by_id(page, "id_sopimusehdot")
    row = checkbox.parent
    assert "checkbox" in row.attrs["class"].split()
    assert [e.tag for e in row.children] == ["input", "label"]  # the box first, then its label
    assert "(valinnainen)" in by_id(page, "id_paattyy").parent.find_all("label")[0].all_text()


def test_organisation_user_add__weak_password__described_by_its_hint_and_error(client):
    admin = provider_user(ProviderFactory(), username="p-admin")
    client.force_login(admin)
    data = {"kayttajatunnus": "uusi", "etunimi": "Uuno", "sukunimi": "Uusi", "sahkoposti": "",
            "rooli": "recorder", "salasana": "lyhyt"}

    response = client.post(reverse("organisations:user_add"), data)

    page = parse(response)
    form = form_with(page, "id_salasana")
    assert_accessible_errors(page, form, bad=["salasana"], hints=("kayttajatunnus", "salasana"))
    assert by_id(page, "id_salasana").attrs["aria-describedby"] == "id_salasana_helptext id_salasana_error"
    assert "(valinnainen)" in form.find_all("label", **{"for": "id_sahkoposti"})[0].all_text()
    assert "(valinnainen)" not in form.find_all("label", **{"for": "id_etunimi"})[0].all_text()


def test_reservation_form__no_content_chosen__the_radio_group_is_a_fieldset_described_by_hint_and_error(login):
    scene = reservable_voucher()
    data = {"palveluntuottajaosa": scene.provider.units.get(is_default=True).pk, "hyvaksyn": "on"}

    response = login(scene.provider_user).post(reverse("reservations:create", args=[scene.voucher.number]), data)

    page = parse(response)
    form = form_with(page, "id_palvelusisalto_0")
    assert_accessible_errors(page, form, groups=["palvelusisalto"], hints=("palvelusisalto",))
    legend = form.find_all("legend")[0]
    assert legend.parent.attrs["aria-describedby"] == "id_palvelusisalto_helptext id_palvelusisalto_error"
    assert "Palvelusisältö" in legend.all_text()
    radios = form.find_all("input", type="radio")
    assert len(radios) == 2 and all(radio.attrs.get("aria-invalid") == "true" for radio in radios)


def test_voucher_lookup__letters__the_fragment_replaces_the_form_out_of_band_with_its_errors(login):
    response = login(provider_user()).get(reverse("vouchers:lookup"), {"numero": "12a"},
                                          headers={"HX-Request": "true", "HX-Target": "lookup-result"})

    page = parse(response)
    assert page.children[0].attrs["id"] == "lookup-result"
    form = by_id(page, "lookup-form")
    assert form.attrs["hx-swap-oob"] == "true"
    assert_accessible_errors(page, form, bad=["numero"])


def test_voucher_lookup__full_page__the_form_once_and_not_out_of_band(login):
    response = login(provider_user()).get(reverse("vouchers:lookup"), {"numero": "12a"})

    page = parse(response)
    form = by_id(page, "lookup-form")
    assert "hx-swap-oob" not in form.attrs
    assert_accessible_errors(page, form, bad=["numero"])


def test_login__empty_form__summary_links_to_both_fields(client):
    response = client.post(reverse("login"), {"login": "", "password": ""})

    page = parse(response)
    form = form_with(page, "id_login")
    assert_accessible_errors(page, form, bad=["login", "password"])
    assert by_id(page, "id_login").attrs.get("autocomplete") == "username"


def test_login__wrong_password__the_message_is_the_summary_and_no_field_is_invalid(client):
    response = client.post(reverse("login"), {"login": "ei-ole", "password": "väärä"})

    page = parse(response)
    form = form_with(page, "id_login")
    assert_accessible_errors(page, form, bad=[])
    assert CHECK_THE_FORM not in form.children[0].all_text()


def test_search_form__every_field_optional__none_marked_optional(login):
    response = login(organiser_user(role=Membership.Role.ORGANISER_ADMIN)).post(reverse("vouchers:audit_log"), {"alkaen": "31.02.2024"})

    page = parse(response)
    form = form_with(page, "id_alkaen")
    assert_accessible_errors(page, form, bad=["alkaen"])
    assert "(valinnainen)" not in form.all_text()


def test_form_without_errors__no_summary_and_nothing_invalid(login):
    reservation = priced_reservation()

    page = parse(login(reservation.created_by).get(reverse("events:create", args=[reservation.pk])))

    form = form_with(page, "id_paivamaara")
    assert not form.find_all(role="alert")
    assert not [e for e in form.walk() if "aria-invalid" in e.attrs]
    assert not [e for e in form.walk() if e.attrs.get("aria-describedby")]


def test_a_form_rendered_whole__summary_then_every_field_through_the_field_template():
    form = AuditSearchForm({"alkaen": "31.02.2024"})

    tree = _Tree()
    tree.feed(str(form))

    first = tree.root.children[0]
    assert first.attrs["role"] == "alert" and CHECK_THE_FORM in first.all_text()
    labels = [label.attrs["for"] for label in tree.root.find_all("label")]
    assert labels == ["id_asiakas", "id_kayttaja", "id_alkaen", "id_asti", "id_toimenpide"]
    assert by_id(tree.root, "id_alkaen").attrs["aria-describedby"] == "id_alkaen_error"


# --- in Chromium, with axe-core ---------------------------------------------------------------------


def _assert_axe_passes(axe, page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__lookup_with_letters_then_a_number__the_form_shows_then_drops_its_errors(page, browser_login, axe):
    call_command("load_demo")
    browser_login("tuottaja", "demo-salasana")
    number = page.get_by_label("Ostovoiman numero")

    number.fill("10a1")
    number.press("Enter")  # htmx: the answer replaces the form out of band, focus stays in the field

    summary = page.locator("#lookup-form > [role=alert]")
    expect(summary).to_contain_text(CHECK_THE_FORM)
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_attribute("aria-describedby", "id_numero_error")
    expect(number).to_be_focused()
    _assert_axe_passes(axe, page)
    summary.get_by_role("link").click()
    expect(number).to_be_focused()

    number.fill("1001")
    page.get_by_role("button", name="Hae").click()
    page.locator("#lookup-result").get_by_text("Ostovoima 1001").first.wait_for()
    expect(summary).to_have_count(0)
    expect(number).not_to_have_attribute("aria-invalid", "true")
    # The focus goes to the answer (issue 13, item 3; static/psop.js), not back to <body>.
    expect(page.locator("#lookup-result").get_by_role("heading", name="Ostovoima 1001")).to_be_focused()
    expect(page).to_have_url(re.compile(r"numero=1001$"))  # hx-push-url of the form that was replaced


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__customership_form_sent_empty__summary_links_and_axe_passes(page, browser_login, axe):
    call_command("load_demo")
    browser_login("tuottaja", "demo-salasana")
    page.get_by_label("Ostovoiman numero").fill("2001")
    page.get_by_role("button", name="Hae").click()
    page.locator("#lookup-result").get_by_role("link", name="Luo asiakkuus").click()
    page.get_by_role("button", name="Luo asiakkuus").click()

    summary = page.locator("#lookup-result form > [role=alert]")
    expect(summary).to_contain_text(CHECK_THE_FORM)
    expect(page.get_by_label("Hyväksyn palvelun sopimusehdot.")).to_have_attribute("aria-invalid", "true")
    _assert_axe_passes(axe, page)
    summary.get_by_role("link", name=re.compile("^Toimipaikka")).click()
    expect(page.get_by_label("Toimipaikka")).to_be_focused()


# --- the quick select of long choice lists --------------------------------------------------------------


def test_quick_select_writes_the_same_html_as_djangos_select():
    """core.forms.QuickSelect (the filters' provider and service selects) writes its options in
    Python; what it writes is Django's select: names, ids, aria attributes, the chosen option,
    and labels escaped."""
    from django import forms
    from django.test.html import parse_html

    from core.forms import QuickSelect

    choices = [("", "Kaikki"), ("1", "Hoiva & Koti <Oy>"), ("2", 'Ääkkös "Ky"'), ("30", "Åland Ab")]

    class Plain(forms.Form):
        palveluntuottaja = forms.ChoiceField(choices=choices, required=False, help_text="Vihje")

    class Quick(Plain):
        palveluntuottaja = forms.ChoiceField(choices=choices, required=False, help_text="Vihje", widget=QuickSelect)

    for data in ({"palveluntuottaja": "2"}, {"palveluntuottaja": "99"}, {}):
        plain, quick = str(Plain(data)["palveluntuottaja"]), str(Quick(data)["palveluntuottaja"])
        assert parse_html(quick) == parse_html(plain), (quick, plain)
    quick = str(Quick({"palveluntuottaja": "2"})["palveluntuottaja"])
    assert 'aria-describedby="id_palveluntuottaja_helptext"' in quick
    assert '<option value="2" selected>' in quick
    assert "Hoiva &amp; Koti &lt;Oy&gt;" in quick


@pytest.mark.django_db
def test_quick_select_with_label_field__model_rows_read_as_names__the_same_html_as_djangos():
    """``QuickSelect(label_field="name")`` on a model choice field reads (pk, name) pairs instead of
    model instances: the same options as Django's select of the same queryset, in one query."""
    from django import forms
    from django.db import connection
    from django.test.html import parse_html
    from django.test.utils import CaptureQueriesContext

    from core.forms import QuickSelect
    from organisations.models import Provider

    chosen = ProviderFactory(name="Hoiva & Koti <Oy>")
    ProviderFactory(name='Ääkkös "Ky"')
    providers = Provider.objects.order_by("name")

    class Plain(forms.Form):
        palveluntuottaja = forms.ModelChoiceField(providers, required=False, empty_label="Kaikki")

    class Quick(forms.Form):
        palveluntuottaja = forms.ModelChoiceField(providers, required=False, empty_label="Kaikki",
                                                  widget=QuickSelect(label_field="name"))

    for data in ({"palveluntuottaja": str(chosen.pk)}, {"palveluntuottaja": "0"}, {}):
        plain = str(Plain(data)["palveluntuottaja"])
        with CaptureQueriesContext(connection) as queries:
            quick = str(Quick(data)["palveluntuottaja"])
        assert parse_html(quick) == parse_html(plain), (quick, plain)
        listed = [query["sql"] for query in queries if "ORDER BY" in query["sql"]]
        assert len(listed) == 1 and "business_id" not in listed[0], listed  # ids and names only
    assert f'<option value="{chosen.pk}" selected>Hoiva &amp; Koti &lt;Oy&gt;</option>' in str(
        Quick({"palveluntuottaja": str(chosen.pk)})["palveluntuottaja"])
