"""Signing in and out under Django's own URL names (``login``, ``logout``), which Django, allauth and
PSOP's templates look up; the Django admin's login goes to the same page."""

from django.urls import path

from identity import views

urlpatterns = [
    path("kirjaudu/", views.login, name="login"),
    path("kirjaudu-ulos/", views.logout, name="logout"),
    # The same pages under allauth's names, which allauth's flows reverse.
    path("kirjaudu/", views.login, name="account_login"),
    path("kirjaudu-ulos/", views.logout, name="account_logout"),
    path("admin/login/", views.admin_login, name="admin_login_redirect"),
]
