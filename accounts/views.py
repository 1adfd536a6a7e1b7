"""Logging in and out, changing one's password, and resetting a forgotten one by e-mail: Django's
views with PSOP's templates (templates/registration/) and Finnish addresses."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.forms import PasswordChangeForm, SetPasswordForm
from accounts.selectors import must_change_password
from accounts.services import password_changed_by_user



class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes their own password; a user whose password an admin typed is sent here
    (accounts.middleware) until they do."""

    form_class = PasswordChangeForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "must_change": must_change_password(self.request.user)}

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_by_user(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mail's link: the user chooses a new password of their own."""

    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_by_user(user=form.user)
        return response


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()
# Django's reset answers the same whether or not the address belongs to anyone: nothing to probe.
password_reset = auth_views.PasswordResetView.as_view(
    subject_template_name="registration/password_reset_subject.txt",
    email_template_name="registration/password_reset_email.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
