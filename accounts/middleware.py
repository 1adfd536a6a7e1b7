"""A user whose password an admin typed changes it before anything else (issue 14, item 7)."""

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

# What such a user may still open: the change itself, logging out, the language form.
ALLOWED_VIEWS = {"password_change", "password_change_done", "logout", "set_language"}


class PasswordChangeRequiredMiddleware:
    """Sends a user who must change their password to the change page: a redirect for a page,
    ``HX-Redirect`` for an htmx request (which would otherwise swap the page into a panel).

    The password state comes with the user (accounts.backends.ModelBackend): no query of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        state = getattr(user, "password_state", None)  # None: no row, nothing to change
        if state is None or not state.must_change:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_VIEWS:
            return None
        url = reverse("password_change")
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return redirect(url)
