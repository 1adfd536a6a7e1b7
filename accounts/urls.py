"""Addresses of passwords; their names are Django's own (``password_change`` …), which Django's
views and templates look up. Logging in and out: identity.login_urls."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("salasana/vaihda/", views.password_change, name="password_change"),
    path("salasana/vaihda/valmis/", views.password_change_done, name="password_change_done"),
    path("salasana/unohtunut/", views.password_reset, name="password_reset"),
    path("salasana/unohtunut/lahetetty/", views.password_reset_done, name="password_reset_done"),
    path("salasana/uusi/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("salasana/uusi/valmis/", views.password_reset_complete, name="password_reset_complete"),
]
