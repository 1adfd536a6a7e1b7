"""Ohje: a short help page per tab, in the original help page's own words (DESIGN.md, seed/), and
a glossary of the terms in Finnish, Swedish and English. Static pages for signed-in users; they
read no data. They live in events, the app of the Ostovoimat tabs: the lowest app whose pages may
link back to every tab they explain (Asiakas, Palveluvaraukset, Ostovoimat, Saldo-ostovoimat) and
that knows the words they explain, from the voucher to its events and credits (psop, wiring only,
used to serve them)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

# The help page of each tab, by its URL slug: (the tab's URL name, its name, template, title).
PAGES = {
    "asiakas": ("vouchers:customer_tab", _("Asiakas"), "events/help/customer.html", _("Ohje: Asiakas")),
    "palveluvaraukset": ("reservations:list", _("Palveluvaraukset"), "events/help/reservations.html", _("Ohje: Palveluvaraukset")),
    "ostovoimat": ("events:vouchers", _("Ostovoimat"), "events/help/vouchers.html", _("Ohje: Ostovoimat")),
    "saldo-ostovoimat": ("events:balance_vouchers", _("Saldo-ostovoimat"), "events/help/balance.html", _("Ohje: Saldo-ostovoimat")),
}
# _tabs.html's key of each tab -> its help page's slug.
TAB_HELP = {"customer": "asiakas", "reservations": "palveluvaraukset", "vouchers": "ostovoimat", "balance": "saldo-ostovoimat"}

# The glossary: the Finnish term (translated into the reader's language), the term in each of the
# three languages as the product uses it (README "Languages", DESIGN.md), and what it means.
GLOSSARY = [
    (_("ostovoima"), "ostovoima / palveluseteli", "köpkraft / servicesedel", "voucher / service voucher",
     _("Asiakkaalle myönnetty ostovoima: numero, palvelu, palvelusisällöt ja voimassaoloaika. Palvelunjärjestäjä myöntää ja sulkee sen.")),
    (_("palvelusisältö"), "palvelusisältö", "tjänsteinnehåll", "service content",
     _("Palvelun osa, esimerkiksi kotihoidon käynti, ja sen yksikkö (tunti, käynti, vuorokausi, kuukausi). Ostovoimalla on yksi tai useampi palvelusisältö.")),
    (_("palveluvaraus"), "palveluvaraus", "servicebokning", "service reservation",
     _("Palveluntuottajan varaus asiakkaan ostovoimaan. Tehdään uuteen palveluseteliin vain kerran ja vain yhteen palvelusisältöön.")),
    (_("tapahtumavaraus"), "tapahtumavaraus", "händelsebokning", "event reservation",
     _("Palveluvaraukseen kirjoitettava vapaamuotoinen kuvaus siitä, mitä varataan.")),
    (_("tapahtuma"), "tapahtuma / kirjaus", "händelse", "event",
     _("Kirjattu palvelu: päivämäärä, palvelusisältö, määrä, hinta, setelin osuus ja omavastuu.")),
    (_("omavastuu"), "omavastuu", "självriskandel", "customer's share",
     _("Se osa hinnasta, jonka asiakas maksaa itse: palveluntuottajan hinta setelin arvon ylittävältä osalta.")),
    (_("saldo-ostovoima"), "saldo-ostovoima", "saldoköpkraft", "balance voucher",
     _("Ostovoima, joka on myönnetty euromääräisenä saldona; kirjaukset vähentävät saldoa, eikä saldoa voi ylittää.")),
    (_("ostopalvelu"), "ostopalvelu", "köpt tjänst", "purchased service",
     _("Palvelunjärjestäjän ostama palvelu; palvelunjärjestäjä tekee palveluvarauksen yleensä palveluntuottajan puolesta ja maksaa koko hinnan.")),
    (_("kapitaatioseteli"), "kapitaatioseteli", "kapitationssedel", "capitation voucher",
     _("Seteli, jolle ei tehdä palveluvarausta vaan luodaan asiakkuus; maksatus toimii asiakkuuden voimassaolon mukaan.")),
    (_("asiakkuus"), "asiakkuus", "kundrelation", "customer relationship",
     _("Kapitaatiosetelillä: asiakas on palveluntuottajan asiakas yhdessä toimipaikassa alkupäivästä toistaiseksi tai loppupäivään.")),
    (_("aikarajaus"), "aikarajaus", "bindningstid", "lock-in period",
     _("Asiakkuuden lisäämisen yhteydessä määritetty aika, jonka aikana asiakas ei itse voi vaihtaa palveluntuottajaa. Oletuksena vuosi; palvelunjärjestäjä voi silti siirtää asiakkuuden.")),
    (_("toimipaikka"), "toimipaikka", "verksamhetsställe", "office",
     _("Palveluntuottajan toimipaikka, johon asiakkuus luodaan.")),
    (_("palveluntuottajaosa"), "palveluntuottajaosa", "producentenhet", "provider unit",
     _("Palveluntuottajan osa, joka tekee palveluvarauksen; oletuksena yritys itse.")),
    (_("palvelunjärjestäjä"), "palvelunjärjestäjä", "serviceanordnare", "organiser",
     _("Hyvinvointialue, joka myöntää ostovoimat ja maksaa palveluntuottajille.")),
    (_("palveluntuottaja"), "palveluntuottaja", "serviceproducent", "provider",
     _("Yritys, joka tuottaa palvelun asiakkaalle ja kirjaa tapahtumat.")),
    (_("hyvitys"), "hyvitys", "kreditering", "credit",
     _("Palvelunjärjestäjän korjaus tilitettyyn tapahtumaan, syykoodin ja selitteen kanssa.")),
    (_("maksatus"), "maksatus", "utbetalning", "payment run",
     _("Palvelunjärjestäjän kuukausittainen maksu palveluntuottajille hyväksytyistä tapahtumista ja asiakkuuksista.")),
]


@require_GET
@login_required
def help_index(request):
    pages = [(slug, title) for slug, (_url, _name, _template, title) in PAGES.items()]
    return render(request, "events/help/index.html", {"pages": pages, "title": _("Ohje")})


@require_GET
@login_required
def help_page(request, page):
    if page not in PAGES:
        raise Http404
    tab_url, tab_name, template, title = PAGES[page]
    return render(request, template, {"title": title, "back_url": reverse(tab_url), "back_name": tab_name})


@require_GET
@login_required
def glossary(request):
    return render(request, "events/help/glossary.html", {"glossary": GLOSSARY, "title": _("Sanasto")})


app_name = "help"
urlpatterns = [
    path("ohje/", help_index, name="index"),
    path("ohje/sanasto/", glossary, name="glossary"),
    path("ohje/<slug:page>/", help_page, name="page"),
]
