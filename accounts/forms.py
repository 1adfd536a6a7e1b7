"""The login form and the admin's user forms, with PSOP's username rules."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.hashers import check_password
from django.utils.translation import gettext_lazy as _

from core.validators import validate_username


class UsernameRuleMixin:
    """The Django admin's user forms take a new username by PSOP's rule
    (core.validators.validate_username); an existing username that is not changed stays as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "username" in self.fields:
            self.fields["username"].help_text = _("Enintään 150 merkkiä: kirjaimia a–z, numeroita ja merkkejä . - _ @")

    def clean_username(self):
        parent = getattr(super(), "clean_username", None)
        username = parent() if parent else self.cleaned_data["username"]
        if not (self.instance.pk and username == self.instance.username):
            validate_username(username)
        return username


class AdminUserAddForm(UsernameRuleMixin, auth_forms.AdminUserCreationForm):
    pass


class AdminUserChangeForm(UsernameRuleMixin, auth_forms.UserChangeForm):
    pass


# What AUTH_PASSWORD_VALIDATORS ask, in one sentence: the field template shows help text as a
# paragraph, and Django's own help is a list.
NEW_PASSWORD_HELP = _("Vähintään 12 merkkiä. Ei pelkkiä numeroita, ei yleisesti käytettyä salasanaa "
                      "eikä liian samankaltaista kuin nimesi tai käyttäjätunnuksesi.")


class SetPasswordForm(auth_forms.SetPasswordForm):
    """A new password chosen through the e-mail's link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = NEW_PASSWORD_HELP


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The user's own password: the old one, then the new one twice. The new one differs from the
    current one, or the forced first-login change would keep the password an admin typed (issue 28,
    item 3)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = NEW_PASSWORD_HELP

    def clean(self):
        cleaned_data = super().clean()
        new_password = cleaned_data.get("new_password1")
        # The hasher's own check, not user.check_password(): that one would save an upgraded hash.
        if new_password and check_password(new_password, self.user.password):
            self.add_error("new_password1", forms.ValidationError(
                _("Uusi salasana ei saa olla sama kuin nykyinen salasanasi."), code="password_unchanged",
            ))
        return cleaned_data
