"""allauth's forms with PSOP's rules: the login form refuses an over-long username before it is
tried (django-axes stores it in a varchar(255)); a wrong second-factor code counts as a failed login
for django-axes, and a locked-out account is not asked for codes at all."""

from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.account import forms as account_forms
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from core.validators import USERNAME_MAX_LENGTH


class LoginForm(account_forms.LoginForm):
    """/kirjaudu/: username and password (where the organisation allows them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Käyttäjätunnus")
        # The length is checked by clean_login with PSOP's message (and before django-axes sees it).
        self.fields["login"].max_length = None
        self.fields["login"].validators = []
        self.fields["login"].widget.attrs.pop("maxlength", None)
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].label = _("Salasana")
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""

    def clean_login(self):
        login = self.cleaned_data["login"]
        if len(login) > USERNAME_MAX_LENGTH:
            raise forms.ValidationError(
                _("Käyttäjätunnus on enintään %(limit)d merkkiä pitkä."),
                code="max_length", params={"limit": USERNAME_MAX_LENGTH},
            )
        return super().clean_login() if hasattr(super(), "clean_login") else login


class SecondFactorForm(mfa_forms.AuthenticateForm):
    """The code of the second factor (TOTP or a recovery code) at sign-in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Koodi")
        self.fields["code"].widget.attrs.pop("placeholder", None)
        self.fields["code"].max_length = 64

    def clean_code(self):
        request = context.request
        credentials = {"username": self.user.username}
        if AxesProxyHandler.is_locked(request, credentials):
            request.axes_locked_out = True
            raise forms.ValidationError(_("Tunnus on lukittu liian monen epäonnistuneen yrityksen jälkeen."),
                                        code="locked")
        code = self.data.get(self.add_prefix("code"), "")
        if len(code) > 64:
            raise forms.ValidationError(_("Koodi on liian pitkä."), code="max_length")
        try:
            return super().clean_code()
        except forms.ValidationError:
            user_login_failed.send(sender=SecondFactorForm, credentials=credentials, request=request)
            raise


class SecondFactorReauthenticateForm(mfa_forms.ReauthenticateForm, SecondFactorForm):
    """The same code asked again in a signed-in session (e.g. by the Django admin)."""
