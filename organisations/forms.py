"""Forms of the "Organisaatio" pages: users, units and offices of the admin's own organisation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextField, UsernameField
from organisations import permissions
from organisations.models import PROVIDER_DESCRIPTION_MAX_LENGTH, Membership, ServiceLanguage

MAX_ID = 2**31 - 1


def role_choices(membership: Membership):
    roles = permissions.assignable_roles(membership)
    return [(role.value, role.label) for role in roles]


class UserAddForm(forms.Form):
    kayttajatunnus = UsernameField(label=_("Käyttäjätunnus"))
    etunimi = TextField(label=_("Etunimi"), max_length=150)
    sukunimi = TextField(label=_("Sukunimi"), max_length=150)
    sahkoposti = forms.EmailField(label=_("Sähköposti"), required=False)
    rooli = forms.ChoiceField(label=_("Rooli"))
    salasana = forms.CharField(
        label=_("Alkusalasana"), max_length=128, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Vähintään 12 merkkiä; ei pelkkiä numeroita eikä yleinen salasana. "
                    "Käyttäjä vaihtaa sen omaksi ensimmäisellä kirjautumisella."),
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooli"].choices = role_choices(membership)


class MemberActionForm(forms.Form):
    """One of the actions on a member: change role, deactivate, reactivate, unlock."""

    toiminto = forms.ChoiceField(
        choices=[("rooli", _("Vaihda rooli")), ("poista_kaytosta", _("Poista käytöstä")),
                 ("palauta", _("Ota käyttöön")), ("avaa_lukitus", _("Avaa lukitus"))],
        widget=forms.HiddenInput,
    )
    rooli = forms.ChoiceField(label=_("Rooli"), required=False)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooli"].choices = role_choices(membership)

    def clean(self):
        data = super().clean()
        if data.get("toiminto") == "rooli" and not data.get("rooli"):
            self.add_error("rooli", _("Valitse rooli."))
        return data


class UnitForm(forms.Form):
    """Add a unit, or rename one (``osa`` given)."""

    toiminto = forms.ChoiceField(choices=[("lisaa", _("Lisää")), ("nimea", _("Nimeä uudelleen"))],
                                 widget=forms.HiddenInput)
    osa = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    nimi = TextField(label=_("Nimi"), max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("toiminto") == "nimea" and not data.get("osa"):
            raise forms.ValidationError(_("Valitse nimettävä osa."))
        return data


class OfficeForm(forms.Form):
    """Add an office, or edit one (``toimipaikka`` given)."""

    toiminto = forms.ChoiceField(choices=[("lisaa", _("Lisää")), ("muokkaa", _("Tallenna"))],
                                 widget=forms.HiddenInput)
    toimipaikka = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    nimi = TextField(label=_("Nimi"), max_length=200)
    katuosoite = TextField(label=_("Katuosoite"), max_length=200, required=False)
    kunta = TextField(label=_("Kunta"), max_length=100, required=False)
    postinumero = forms.RegexField(
        label=_("Postinumero"), regex=r"^[0-9]{5}$", required=False, max_length=5,
        error_messages={"invalid": _("Anna postinumero viitenä numerona, esimerkiksi 00100.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("toiminto") == "muokkaa" and not data.get("toimipaikka"):
            raise forms.ValidationError(_("Valitse muokattava toimipaikka."))
        return data


class ProfileForm(forms.Form):
    """What customers read of the provider on the public comparison: a short description and the
    languages it serves in."""

    kuvaus = TextField(
        label=_("Esittely"), max_length=PROVIDER_DESCRIPTION_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Lyhyt esittely asiakkaille palveluntuottajien vertailussa (enintään 1000 merkkiä)."),
    )
    kielet = forms.MultipleChoiceField(
        label=_("Palvelukielet"), choices=ServiceLanguage.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Valitse vaihtoehto luettelosta.")},
    )
