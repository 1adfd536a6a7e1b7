"""The Django admin asks every staff user for a second factor (issue 21, item 4): a session that
signed in without one is sent to give it (allauth's reauthentication with the code), or, for a user
who has none yet, to set one up first."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.assurance import assurance_of


class AdminSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin":
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        assurance = assurance_of(request)
        if assurance is not None and assurance.second_factor:
            return None
        has_factor = Authenticator.objects.filter(
            user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()
        query = urlencode({"next": request.get_full_path()})
        if has_factor:
            messages.info(request, _("Ylläpito edellyttää toista tunnistautumisvaihetta: anna todennussovelluksen koodi."))
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        messages.warning(request, _("Ylläpito edellyttää toista tunnistautumisvaihetta. Ota ensin käyttöön "
                                    "todennussovellus (TOTP)."))
        return redirect(f"{reverse('mfa_activate_totp')}?{query}")
