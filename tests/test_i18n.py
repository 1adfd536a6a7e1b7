"""Languages: Finnish for everybody by default, Swedish and English when the user picks them.

The choice is the header's language form (Django's set_language view, which sets the language
cookie); psop.middleware.CookieLocaleMiddleware reads that cookie and nothing else, so an English
browser (Accept-Language: en) still gets Finnish. The translations (locale/*/LC_MESSAGES/django.po)
are complete and their compiled .mo files, committed to the repository, match them.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import provider_user

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ("sv", "en")

# What the Asiakas tab shows in each language: the product title and the four tab labels.
SHELL = {
    "fi": ["Palvelusetelit ja ostopalvelut", ">Asiakas</a>", ">Palveluvaraukset</a>", ">Ostovoimat</a>",
           ">Saldo-ostovoimat</a>", "Tee uusi palveluvaraus", "Kirjaudu ulos"],
    "sv": ["Servicesedlar och köpta tjänster", ">Klient</a>", ">Servicebokningar</a>", ">Köpkrafter</a>",
           ">Saldoköpkrafter</a>", "Gör en ny servicebokning", "Logga ut"],
    "en": ["Service vouchers and purchased services", ">Customer</a>", ">Service reservations</a>",
           ">Vouchers</a>", ">Balance vouchers</a>", "Make a new service reservation", "Log out"],
}


def _choose(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


# --- choosing the language -----------------------------------------------------------------------


@pytest.mark.django_db
def test_default__finnish__even_when_the_browser_asks_for_english(client):
    client.force_login(provider_user())
    response = client.get(reverse("vouchers:customer_tab"), headers={"accept-language": "en-GB,en;q=0.9"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fi">' in body
    for text in SHELL["fi"]:
        assert text in body, text
    assert "Service vouchers" not in body


@pytest.mark.django_db
def test_login_page__finnish_by_default_even_for_a_swedish_browser(client):
    body = client.get(reverse("login"), headers={"accept-language": "sv-FI,sv;q=0.9"}).content.decode()
    assert '<html lang="fi">' in body and "Kirjaudu sisään" in body and "Logga in" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_choose_language__the_asiakas_tab_speaks_it(client, language):
    client.force_login(provider_user())
    tab = reverse("vouchers:customer_tab")

    response = _choose(client, language, next_url=tab)

    assert response.status_code == 302 and response["Location"] == tab
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    response = client.get(tab, headers={"accept-language": "fi"})
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    for text in SHELL[language]:
        assert text in body, text
    assert "Palvelusetelit ja ostopalvelut" not in body
    assert "Cookie" in response["Vary"]
    assert response["Content-Language"] == language


@pytest.mark.django_db
@pytest.mark.parametrize("language", TRANSLATED)
def test_choose_language__htmx_fragment_of_a_tab_speaks_it_too(client, language):
    client.force_login(provider_user())
    _choose(client, language)
    response = client.get(reverse("reservations:list"), headers={"HX-Request": "true", "HX-Target": "panel"})
    assert SHELL[language][2].strip(">").removesuffix("</a>") in response.content.decode()


@pytest.mark.django_db
def test_the_form_returns_to_the_page_it_was_sent_from(client):
    client.force_login(provider_user())
    tab = reverse("events:vouchers")
    response = client.post(reverse("set_language"), {"language": "en"}, headers={"referer": f"http://testserver{tab}"})
    assert response.status_code == 302 and response["Location"] == f"http://testserver{tab}"
    response = client.post(reverse("set_language"), {"language": "en"}, headers={"referer": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_login_page__in_swedish(client):
    _choose(client, "sv", next_url=reverse("login"))
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="sv">' in body
    for text in ("Logga in", "Användarnamn", "Lösenord", "Servicesedlar och köpta tjänster"):
        assert text in body, text
    assert "Kirjaudu sisään" not in body and "Käyttäjätunnus" not in body


@pytest.mark.django_db
def test_login_page__in_english(client):
    _choose(client, "en", next_url=reverse("login"))
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    for text in ("Log in", "Username", "Password", "Service vouchers and purchased services"):
        assert text in body, text


@pytest.mark.django_db
def test_back_to_finnish(client):
    client.force_login(provider_user())
    _choose(client, "en")
    _choose(client, "fi")
    body = client.get(reverse("vouchers:customer_tab")).content.decode()
    assert '<html lang="fi">' in body and ">Asiakas</a>" in body


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["de", "", "sv-XX", "<script>", "en;q=1"])
def test_unknown_language_cookie__finnish(client, cookie):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="fi">' in body and "Kirjaudu sisään" in body


@pytest.mark.django_db
def test_a_language_not_offered_posted__still_finnish(client):
    """set_language accepts any language Django has a catalogue for (German, say); we offer only ours."""
    response = _choose(client, "de")
    assert response.status_code == 302
    assert '<html lang="fi">' in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_language_form__in_the_header_of_every_page__a_button_per_language_no_script(client):
    """Issue 23, item 8: languages as links (buttons that look like links: set_language is a POST),
    each a choice of its own: no select and no separate "Vaihda kieli" button."""
    body = client.get(reverse("login")).content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/" class="language-form" aria-label="Kieli" novalidate>(.*?)</form>',
                     body, re.S)
    assert form, "the header has no language form"
    html = form.group(1)
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<button type="submit" name="language" value="fi" lang="fi" aria-current="true">suomi</button>' in html
    assert '<button type="submit" name="language" value="sv" lang="sv">svenska</button>' in html
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in html
    assert "<select" not in html
    assert 'name="next"' not in html  # the Referer: the tab htmx pushed, not the page first loaded
    assert "<script" not in html and "onchange" not in html


@pytest.mark.django_db
def test_language_form__shows_the_chosen_language_selected(client):
    _choose(client, "sv")
    body = client.get(reverse("login")).content.decode()
    assert '<button type="submit" name="language" value="sv" lang="sv" aria-current="true">svenska</button>' in body
    assert 'class="language-form" aria-label="Språk"' in body


@pytest.mark.django_db
def test_after_a_request__the_thread_is_back_in_finnish(client):
    """A Swedish request must not leave Swedish behind for code that runs after it."""
    _choose(client, "sv")
    client.get(reverse("login"))
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert str(translation.gettext("Kirjaudu sisään")) == "Kirjaudu sisään"


@override_settings(LANGUAGE_CODE="fi")
def test_messages_of_the_domain_layer_translate():
    with translation.override("sv"):
        assert translation.gettext("Ostovoiman tietoja ei löydy") == "Köpkraftens uppgifter hittas inte"
    with translation.override("en"):
        assert translation.gettext("Ostovoiman tietoja ei löydy") == "Voucher details not found"


# --- the translation files -----------------------------------------------------------------------


def _entries(po_path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (dict index -> text), flags, obsolete."""
    entries, entry, field = [], None, None

    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}

    def unquote(text):
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" + m.group(1)), text)

    for raw in po_path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[(\d+)\])?|msgctxt)\s+"(.*)"$', line)
        if match:
            keyword, index, text = match.groups()
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
            else:
                field = (keyword, None)
            text = unquote(text)
        else:
            assert line.startswith('"') and line.endswith('"'), f"{po_path}: cannot read {raw!r}"
            text = unquote(line[1:-1])
        name, index = field
        if name == "msgstr":
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
        elif name == "msgctxt":
            continue
        else:
            entry[name] = (entry[name] or "") + text
    return entries


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@pytest.mark.parametrize("language", TRANSLATED)
def test_po__every_entry_translated__none_fuzzy__placeholders_kept(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in _entries(po) if not entry["obsolete"]]
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and f"Language: {language}\\n" in po.read_text(encoding="utf-8")
    assert "fuzzy" not in header["flags"], "the header is marked fuzzy: Django would ignore the whole file"
    assert len(messages) > 400, len(messages)
    problems = []
    for entry in messages:
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        for index, text in sorted(entry["msgstr"].items()):
            if not text:
                problems.append(f"untranslated: {entry['msgid']!r} [{index}]")
            elif "python-format" in entry["flags"]:
                source = entry["msgid_plural"] if index and entry["msgid_plural"] else entry["msgid"]
                if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                    problems.append(f"placeholders differ: {entry['msgid']!r} -> {text!r}")
        if not entry["msgstr"]:
            problems.append(f"no msgstr: {entry['msgid']!r}")
    assert not problems, f"{len(problems)} problems in {po}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_mo__committed_and_matches_the_po(language):
    """The .mo file (committed: CI has no gettext) holds every translation of the .po, word for word."""
    directory = LOCALE / language / "LC_MESSAGES"
    mo = directory / "django.mo"
    assert mo.exists(), f"{mo} is missing: run manage.py compilemessages and commit it"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = []
    for entry in _entries(directory / "django.po")[1:]:
        if entry["obsolete"] or entry["msgid_plural"]:
            continue
        if catalog.gettext(entry["msgid"]) != entry["msgstr"][0]:
            stale.append(entry["msgid"])
    assert not stale, f"{mo} is older than its .po; run compilemessages. Differs: {stale[:5]}"
    assert catalog.info().get("language") == language


def test_mo__the_product_title_and_tabs():
    expected = {
        "sv": {"Palvelusetelit ja ostopalvelut": "Servicesedlar och köpta tjänster", "Asiakas": "Klient",
               "Palveluseteli": "Servicesedel", "Omavastuu": "Självriskandel", "Ostopalvelu": "Köpt tjänst"},
        "en": {"Palvelusetelit ja ostopalvelut": "Service vouchers and purchased services", "Asiakas": "Customer"},
    }
    for language, pairs in expected.items():
        with translation.override(language):
            for finnish, translated in pairs.items():
                assert translation.gettext(finnish) == translated
