"""Forms validate and convert input; the rules live in customers.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import FinnishDateField, TextField


class OfficeChoiceField(forms.ModelChoiceField):
    """An office; with the provider's name when offices of several providers are offered."""

    def __init__(self, *args, with_provider: bool = False, **kwargs):
        self.with_provider = with_provider
        super().__init__(*args, **kwargs)

    def label_from_instance(self, office):
        if self.with_provider:
            return f"{office.provider.name} – {office.name}"
        return office.name


def office_field(offices, *, with_provider: bool, label) -> OfficeChoiceField:
    return OfficeChoiceField(
        queryset=offices,
        with_provider=with_provider,
        label=label,
        empty_label=_("Valitse toimipaikka"),
        error_messages={
            "required": _("Valitse toimipaikka."),
            "invalid_choice": _("Valitse toimipaikka luettelosta."),
        },
    )


def office_and_period(data) -> dict:
    """The office and the dates that creating and transferring a customership both take."""
    return {
        "office": data["toimipaikka"],
        "start_date": data["alkaa"],
        "end_date": data["paattyy"],
        "locked_until": data["aikarajaus"],
    }


LOCK_HELP = _("Aikana, jolloin asiakas ei itse voi vaihtaa palveluntuottajaa. "
              "Jätä tyhjäksi, niin aikarajaus päättyy vuoden kuluttua alkupäivästä.")


class CustomershipCreateForm(forms.Form):
    """"Luo asiakkuus": office, start, optional end, lock-in, approvals."""

    toimipaikka = forms.ModelChoiceField(queryset=None)  # replaced in __init__
    alkaa = FinnishDateField(label=_("Alkupäivä"))
    paattyy = FinnishDateField(
        label=_("Loppupäivä"), required=False,
        help_text=_("Jätä tyhjäksi, jos asiakkuus on toistaiseksi voimassa."),
    )
    aikarajaus = FinnishDateField(label=_("Aikarajaus päättyy"), required=False, help_text=LOCK_HELP)
    sopimusehdot = forms.BooleanField(
        label=_("Hyväksyn palvelun sopimusehdot."),
        error_messages={"required": _("Merkitse hyväksynnät hyväksytyiksi.")},
    )
    sopimussuhde = forms.BooleanField(
        label=_("Hyväksyn sopimussuhteen muodostumisen asiakkaan kanssa."),
        error_messages={"required": _("Merkitse hyväksynnät hyväksytyiksi.")},
    )

    def __init__(self, *args, offices, on_behalf: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["toimipaikka"] = office_field(
            offices, with_provider=on_behalf,
            label=_("Palveluntuottaja ja toimipaikka") if on_behalf else _("Toimipaikka"),
        )
        self.fields["alkaa"].initial = today
        self.order_fields(["toimipaikka", "alkaa", "paattyy", "aikarajaus", "sopimusehdot", "sopimussuhde"])

    def service_kwargs(self) -> dict:
        """The cleaned data under the names ``customership_create`` takes."""
        data = self.cleaned_data
        return {**office_and_period(data), "approvals_accepted": data["sopimusehdot"] and data["sopimussuhde"]}


class CustomershipTransferForm(forms.Form):
    """The organiser moves a customership to another provider and/or office."""

    toimipaikka = forms.ModelChoiceField(queryset=None)
    alkaa = FinnishDateField(label=_("Siirto alkaen"), help_text=_("Nykyinen asiakkuus päättyy edellisenä päivänä."))
    paattyy = FinnishDateField(
        label=_("Loppupäivä"), required=False,
        help_text=_("Jätä tyhjäksi, jos asiakkuus on toistaiseksi voimassa."),
    )
    aikarajaus = FinnishDateField(label=_("Aikarajaus päättyy"), required=False, help_text=LOCK_HELP)
    peruste = TextField(
        label=_("Siirron peruste"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjaa siirron peruste.")},
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["toimipaikka"] = office_field(offices, with_provider=True, label=_("Uusi palveluntuottaja ja toimipaikka"))
        self.fields["alkaa"].initial = today
        self.order_fields(["toimipaikka", "alkaa", "paattyy", "aikarajaus", "peruste"])

    def service_kwargs(self) -> dict:
        """The cleaned data under the names ``customership_transfer`` takes."""
        return {**office_and_period(self.cleaned_data), "reason": self.cleaned_data["peruste"]}


class CustomershipEndForm(forms.Form):
    paattyy = FinnishDateField(label=_("Asiakkuuden viimeinen päivä"))
    peruste = TextField(label=_("Peruste"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paattyy"].initial = today

    def service_kwargs(self) -> dict:
        """The cleaned data under the names ``customership_end`` takes."""
        return {"end_date": self.cleaned_data["paattyy"], "reason": self.cleaned_data["peruste"]}
