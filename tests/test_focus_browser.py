"""After an htmx swap the focus lands on the new content, not on <body>, and a tab switch updates the
page's title (issue 13, item 3; static/psop.js). Keyboard only, on the training data."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-salasana"
SITE = "Palvelusetelit ja ostopalvelut"

FOCUSED = """() => {
  const element = document.activeElement;
  return {tag: element.tagName.toLowerCase(), id: element.id, text: (element.innerText || element.value || "").trim(),
          label: element.labels && element.labels.length ? element.labels[0].innerText.trim() : "",
          role: element.getAttribute("role") || "", in: (element.closest("[id]") || {}).id || ""};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def focus_is_within(page, selector) -> bool:
    return page.evaluate("selector => !!document.activeElement.closest(selector)", selector)


def tab_to(page, matches, limit=40) -> int:
    """Press Tab until ``matches(focused)`` holds; the number of presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return presses
    raise AssertionError(f"not reached with {limit} Tab presses; focus on {focused(page)}")


@pytest.fixture
def demo(page, browser_login):
    call_command("load_demo")
    browser_login("tuottaja", password=PASSWORD)
    return page


def test_keyboard_only__look_up_1001_reserve_and_send__focus_lands_on_the_new_content_each_time(demo):
    page = demo
    page.goto("/asiakas/")
    assert focused(page)["label"] == "Ostovoiman numero"  # the tab opens in its field (issue 23, item 7)
    page.keyboard.type("1001")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name="Ostovoima 1001")
    expect(heading).to_be_focused()
    assert focus_is_within(page, "#lookup-result")

    # From the answer, a few Tab presses to its action; not back through the header and the tabs.
    assert tab_to(page, lambda f: f["text"] == "Tee palveluvaraus", limit=6) <= 6
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Lähetä palveluvaraus").wait_for()
    page.wait_for_function("document.activeElement !== document.body && !!document.activeElement.closest('#lookup-result')")
    assert focused(page)["tag"] in {"h1", "h2", "h3"}

    # The form by keyboard: the default unit, the first content (Space), the text, the terms (Space), send.
    tab_to(page, lambda f: f["label"] == "Palveluntuottajaosa, joka varauksen tekee", limit=8)
    page.keyboard.press("Tab")
    assert focused(page)["label"] == "Kotihoidon käynti"
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["label"].startswith("Tapahtumavaraus"), limit=3)
    page.keyboard.type("Aamukäynti arkisin.")
    tab_to(page, lambda f: f["label"].startswith("Hyväksyn sopimusehdot"), limit=3)
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["text"] == "Lähetä palveluvaraus", limit=3)
    page.keyboard.press("Enter")

    notice = page.locator("#lookup-result [role=status]").filter(has_text="Palveluvaraus on tehty")
    expect(notice).to_be_focused()


def test_keyboard_only__record_an_event_on_1005__focus_and_title_follow_each_step(demo):
    page = demo
    page.goto("/asiakas/")
    assert page.title() == f"Asiakas – {SITE}"

    tab_to(page, lambda f: f["text"] == "Ostovoimat" and f["tag"] == "a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ostovoimat/")
    expect(page.get_by_role("heading", name="Ostovoimat", level=1)).to_be_focused()
    assert page.title() == f"Ostovoimat – {SITE}"
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("Ostovoimat")

    tab_to(page, lambda f: f["label"] == "Hae ostovoiman numerolla tai asiakkaan nimellä", limit=10)
    page.keyboard.type("1005")
    page.keyboard.press("Enter")
    page.wait_for_url("**haku=1005**")
    expect(page.locator("#voucher-1005")).to_be_visible()
    expect(page.get_by_role("heading", name="Ostovoimat", level=1)).to_be_focused()

    tab_to(page, lambda f: f["text"].replace("\n", " ").startswith("Kirjaa tapahtuma") and f["in"] == "voucher-1005")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tapahtuma/")
    expect(page.get_by_role("heading", name="Kirjaa tapahtuma", level=1)).to_be_focused()
    assert page.title() == f"Kirjaa tapahtuma – {SITE}"

    # Sent without a quantity: the focus goes to the error summary.
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Kirjaa tapahtuma")
    page.keyboard.press("Enter")
    summary = page.locator("#panel .error-summary[role=alert]")
    expect(summary).to_be_focused()
    assert "Tarkista lomakkeen tiedot." in summary.inner_text()

    # Its link leads to the field; the event is recorded; the focus goes to the notice that says so.
    tab_to(page, lambda f: f["tag"] == "a" and f["in"] == "panel" and "Määrä" in f["text"], limit=3)
    page.keyboard.press("Enter")  # the link takes the focus to its field
    if not focused(page)["label"].startswith("Määrä"):
        tab_to(page, lambda f: f["label"].startswith("Määrä"), limit=3)
    page.keyboard.type("1")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Kirjaa tapahtuma")
    page.keyboard.press("Enter")
    notice = page.locator("#panel [role=status]").filter(has_text="Tapahtuma kirjattu.")
    expect(notice).to_be_focused()


def test_live_search_and_row_toggle__keep_the_focus_where_the_user_is(demo):
    page = demo
    page.goto("/palveluvaraukset/")
    search = page.get_by_label("Hae ostovoiman numerolla tai asiakkaan nimellä")
    search.focus()
    page.keyboard.type("1005")  # searches as the user types: the focus stays in the field
    page.wait_for_url("**haku=1005**")
    expect(page.get_by_role("link", name="Avaa palveluvarauksen lisätiedot 10320")).to_have_count(0)
    page.wait_for_timeout(300)  # any settle after the swap has run
    expect(search).to_be_focused()

    toggle = page.get_by_role("link", name="Avaa palveluvarauksen lisätiedot 1005", exact=True)
    toggle.focus()
    page.keyboard.press("Enter")  # opens the row in place: the focus stays on its toggle
    close = page.get_by_role("link", name="Sulje palveluvarauksen lisätiedot 1005", exact=True)
    expect(close).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(300)
    expect(close).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Avaa palveluvarauksen lisätiedot 1005", exact=True)).to_be_focused()


def test_asiakas_tab_opened_from_another_tab__focus_in_the_lookup_field(demo):
    """Issue 23, item 7: the lookup field has the focus when Asiakas opens, by htmx too."""
    page = demo
    page.goto("/palveluvaraukset/")
    page.get_by_role("link", name="Asiakas", exact=True).click()
    page.wait_for_url("**/asiakas/")
    page.wait_for_function("document.activeElement && document.activeElement.name === 'numero'")


def test_reservation_filter_hae__focus_stays_on_hae_not_body(demo):
    """Issue 23, item 7: the filter swaps only its results; the button the user pressed keeps the focus."""
    page = demo
    page.goto("/palveluvaraukset/")
    page.locator("#reservation-search").fill("1005")
    hae = page.locator("form.search-form").get_by_role("button", name="Hae")
    hae.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.activeElement !== document.body")
    expect(hae).to_be_focused()


def test_failed_post__focus_back_on_the_button_not_body(demo):
    """Issue 23, item 7: a POST the server refuses with 500 swaps nothing; the focus returns to the
    button that sent it (disabled while the request ran), and the failure is said in the live region."""
    page = demo
    page.goto("/asiakas/")
    page.keyboard.type("1001")
    page.keyboard.press("Enter")
    page.locator("#lookup-result").get_by_text("Tee palveluvaraus", exact=True).click()
    send = page.get_by_role("button", name="Lähetä palveluvaraus")
    send.wait_for()
    page.route("**/*", lambda route: route.fulfill(status=500, body="virhe")
               if route.request.method == "POST" else route.continue_())
    send.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#request-status")).to_contain_text("Pyyntö epäonnistui")
    page.wait_for_function("document.activeElement !== document.body")
    expect(send).to_be_focused()
