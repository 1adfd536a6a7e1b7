"""Issue 23, item 1: the Ostovoimat and Saldo-ostovoimat tables fit their box at desktop widths.

No column is covered by the sticky "Kirjaa tapahtuma" column (every header cell is the element at
its own centre) at 1024, 1280 and 1920 px, for a provider and for an organiser (who sees one more
column, the provider), and 25 rows of Saldo-ostovoimat make a page of a readable height."""

import pytest
from django.core.management import call_command


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1024, 1280, 1920]

# Every header cell's centre, and what the page has there (scrolled into view first, vertically only).
COVERED = """() => [...document.querySelectorAll('main table.data thead th')].flatMap(th => {
  const box = th.getBoundingClientRect();
  if (box.width === 0) return [];
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  return (hit && (hit === th || th.contains(hit))) ? [] : [`${th.textContent.trim()} at ${Math.round(x)} px: ${hit && hit.outerHTML.slice(0, 80)}`];
})"""


def log_in(page, username, password="demo-salasana"):
    page.goto("/kirjaudu/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/asiakas/")


@pytest.mark.parametrize("username", ["tuottaja", "jarjestaja"])
def test_voucher_tables__no_column_covered_at_1024_to_1920_px(page, username):
    call_command("load_demo")
    log_in(page, username)
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in ["/ostovoimat/", "/saldo-ostovoimat/"]:
            page.goto(path)
            page.locator("main table.data thead").scroll_into_view_if_needed()
            failures += [f"{path} at {width} px: {covered}" for covered in page.evaluate(COVERED)]
    assert not failures, "\n".join(failures)


def test_balance_vouchers__25_rows_of_the_training_data__under_100_px_a_row(page):
    """Before: 4,685 px for 25 rows at 1024 and 1280 px (each service name wrapped to six lines)."""
    call_command("load_demo")
    log_in(page, "jarjestaja")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/saldo-ostovoimat/")
        assert page.locator("main table.data tbody tr").count() == 25
        height = page.evaluate("() => document.querySelector('main table.data').getBoundingClientRect().height")
        assert height < 2600, f"at {width} px 25 rows are {height:.0f} px tall"
