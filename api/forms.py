"""The API-key form of the Organisaatio pages: a name and the scopes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiKey, Scope, scopes_for
from core.forms import TextField


class ApiKeyForm(forms.Form):
    nimi = TextField(
        label=_("Nimi"), max_length=ApiKey._meta.get_field("name").max_length,
        help_text=_("Esim. järjestelmän nimi, jonka käyttöön avain annetaan; näkyy lokitiedoissa."),
        error_messages={"required": _("Anna avaimelle nimi.")},
    )
    oikeudet = forms.MultipleChoiceField(
        label=_("Oikeudet"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi oikeus."), "invalid_choice": _("Tuntematon oikeus.")},
    )

    def __init__(self, *args, organiser: bool = True, **kwargs):
        """``organiser``: the form is an organiser's (a provider's key is offered no organiser-only scope)."""
        super().__init__(*args, **kwargs)
        self.fields["oikeudet"].choices = scopes_for(organiser=organiser)

    def service_kwargs(self) -> dict:
        return {"name": self.cleaned_data["nimi"], "scopes": self.cleaned_data["oikeudet"]}


class ApiKeyActionForm(forms.Form):
    toiminto = forms.ChoiceField(choices=[("muuta", _("Tallenna")), ("peru", _("Peru avain"))], widget=forms.HiddenInput)
