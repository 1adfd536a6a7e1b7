"""Forms of the reservations app. They validate and convert input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextField
from organisations import permissions
from organisations.models import ProviderUnit
from reservations.models import Reservation
from reservations.selectors import providers_for_on_behalf


class _ContentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, row):
        return row.content.name


class _UnitChoiceField(forms.ModelChoiceField):
    with_provider = False

    def label_from_instance(self, unit):
        return f"{unit.provider.name} – {unit.name}" if self.with_provider else unit.name


class ReservationForm(forms.Form):
    """"Tee palveluvaraus". Organiser users also choose the provider on whose behalf they reserve."""

    palveluntuottaja = forms.ModelChoiceField(
        label=_("Palveluntuottaja, jonka puolesta varaus tehdään"),
        queryset=None,
        empty_label=_("Valitse palveluntuottaja"),
        error_messages={"required": _("Valitse palveluntuottaja."), "invalid_choice": _("Valitse palveluntuottaja listasta.")},
    )
    palveluntuottajaosa = _UnitChoiceField(
        label=_("Palveluntuottajaosa, joka varauksen tekee"),
        queryset=None,
        error_messages={"required": _("Valitse palveluntuottajaosa."), "invalid_choice": _("Valitse palveluntuottajaosa listasta.")},
    )
    palvelusisalto = _ContentChoiceField(
        label=_("Palvelusisältö"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Palveluvaraus tehdään yhteen palvelusisältöön, vaikka ostovoimalla olisi useita."),
        error_messages={"required": _("Valitse yksi palvelusisältö."), "invalid_choice": _("Valitse palvelusisältö listasta.")},
    )
    tapahtumavaraus = TextField(
        label=_("Tapahtumavaraus"),
        required=False,
        max_length=Reservation._meta.get_field("event_text").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vapaamuotoinen kuvaus varattavasta palvelusta, esim. käynnit arkisin aamuisin."),
        error_messages={"max_length": _("Tapahtumavaraus on enintään %(limit_value)d merkkiä pitkä.")},
    )
    hyvaksyn = forms.BooleanField(
        label=_("Hyväksyn sopimusehdot ja sopimussuhteen muodostumisen."),
        required=True,
        error_messages={
            "required": _("Palveluvaraus edellyttää sopimusehtojen ja sopimussuhteen muodostamisen hyväksymistä.")
        },
    )

    def __init__(self, *args, user, voucher, **kwargs):
        super().__init__(*args, **kwargs)
        self.voucher = voucher
        self.on_behalf = permissions.is_organiser(user)

        contents = voucher.contents.select_related("content").order_by("content__name")
        self.fields["palvelusisalto"].queryset = contents
        if len(contents) == 1:
            self.initial.setdefault("palvelusisalto", contents[0].pk)

        unit_field = self.fields["palveluntuottajaosa"]
        if self.on_behalf:
            providers = providers_for_on_behalf(voucher=voucher)
            self.fields["palveluntuottaja"].queryset = providers
            chosen = self._chosen_provider(providers)
            unit_field.required = False
            unit_field.empty_label = _("Palveluntuottajan oletusosa (yritys)")
            unit_field.help_text = _("Oletuksena palveluntuottaja itse.")
            units = ProviderUnit.objects.select_related("provider").order_by("provider__name", "-is_default", "name")
            if chosen is not None:
                unit_field.queryset = units.filter(provider=chosen)
            else:
                unit_field.queryset = units.filter(provider__in=providers)
                unit_field.with_provider = True
        else:
            del self.fields["palveluntuottaja"]
            provider_id = permissions.provider_id_of(user)
            unit_field.queryset = ProviderUnit.objects.filter(provider_id=provider_id).order_by("-is_default", "name")
            unit_field.empty_label = None
            default = unit_field.queryset.filter(is_default=True).first()
            if default is not None:
                self.initial.setdefault("palveluntuottajaosa", default.pk)

    def _chosen_provider(self, providers):
        raw = self.data.get("palveluntuottaja") if self.is_bound else self.initial.get("palveluntuottaja")
        if raw in (None, ""):
            return None
        try:
            return providers.filter(pk=int(getattr(raw, "pk", raw))).first()
        except (TypeError, ValueError):
            return None

    def service_kwargs(self) -> dict:
        """The cleaned data under the names ``reservation_create`` takes."""
        data = self.cleaned_data
        return {
            "voucher_content": data["palvelusisalto"],
            "unit": data.get("palveluntuottajaosa"),
            "provider": data.get("palveluntuottaja"),
            "event_text": data.get("tapahtumavaraus", ""),
            "terms_accepted": data["hyvaksyn"],
        }
