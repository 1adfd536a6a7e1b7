"""Issue 23, item 3: every interactive target on the main pages is at least 24 × 24 CSS px (WCAG 2.2,
2.5.8 Target Size (Minimum)), the main buttons about 44 px high as HDS's.

Measured in Chromium on the training data, as a provider's admin: the bounding box of every visible
a, button, input, select and summary (a radio or checkbox by its own box, 24 px as HDS's, though its
label is part of the target too). Exempt, as WCAG's "inline" exception says: a link inside
a sentence or a cell's text (an ``a`` in p, li, td, dd, th that is not styled as a button or toggle)."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMUM = 24
DESKTOP = {"width": 1280, "height": 900}

PAGES = [
    "/asiakas/",
    "/asiakas/haku/?numero=1001",
    "/ostovoimat/1001/palveluvaraus/",
    "/palveluvaraukset/",
    "/ostovoimat/",
    "/saldo-ostovoimat/",
    "/organisaatio/kayttajat/",
    "/organisaatio/kayttajat/uusi/",
    "/organisaatio/osat/",
    "/organisaatio/toimipaikat/",
]

# Nothing is left out: the header (its service navigation, account menu and languages) is measured too.
NOT_HERE = ".not-measured"

# Every visible target smaller than the minimum, as "tag#id.class 'text': w × h"; a box of 0 × 0 is
# not visible.
SMALL = """([minimum, skip]) => {
  const inline = (el) => el.tagName === 'A' && el.closest('p, li, td, dd, th, .hint')
    && !el.matches('.button, .toggle, .sort-link, .tabs a') && getComputedStyle(el).display === 'inline';
  const box = (el) => el.getBoundingClientRect();
  return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
    .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest(`.visually-hidden, .skip-link, ${skip}`); })
    .filter(el => !inline(el))
    .map(el => [el, box(el)])
    .filter(([el, b]) => b.width < minimum - 0.01 || b.height < minimum - 0.01)
    .map(([el, b]) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''}`
      + ` '${(el.textContent || el.value || el.name || '').trim().slice(0, 30)}': ${b.width.toFixed(0)} × ${b.height.toFixed(0)}`);
}"""


# The main buttons (not the compact ones in table rows) and the text fields and selects beside them.
LOW = """(skip) => [...document.querySelectorAll('main .button:not(.compact), main input[type=text], main input[type=search], main select')]
  .filter(el => el.getBoundingClientRect().height > 0 && !el.closest(skip))
  .filter(el => el.getBoundingClientRect().height < 43.5)
  .map(el => `${el.tagName.toLowerCase()} '${(el.textContent || el.name).trim().slice(0, 30)}': ${el.getBoundingClientRect().height.toFixed(0)} px high`)"""


def log_in(page, username, password="demo-salasana"):
    page.goto("/kirjaudu/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/asiakas/")


def test_main_pages__every_target_at_least_24_by_24_px(page):
    call_command("load_demo")
    page.set_viewport_size(DESKTOP)
    log_in(page, "tuottaja")
    failures = []
    for path in PAGES:
        page.goto(path)
        for toggle in page.locator("main a.toggle").all()[:1]:  # an expanded row's targets too
            toggle.click()
        failures += [f"{path}: {small}" for small in page.evaluate(SMALL, [MINIMUM, NOT_HERE])]
        failures += [f"{path}: {low}" for low in page.evaluate(LOW, NOT_HERE)]
    assert not failures, "\n".join(failures)
