"""Hakeutuminen: public rulebooks and sign-up, the applicant's applications, the organiser admin's
rulebooks and review queue. One URL per resource and action."""

from django.urls import path

from applications import review_views, views

app_name = "applications"
urlpatterns = [
    # Public (no login): the organisers' rulebooks and a new company's sign-up.
    path("saantokirjat/", views.public_organisers, name="public_organisers"),
    path("saantokirjat/<int:organiser_id>/", views.public_organiser, name="public_organiser"),
    path("saantokirjat/liitteet/<int:attachment_id>/", views.public_rulebook_attachment, name="public_attachment"),
    path("hakeutuminen/", views.signup, name="signup"),
    path("hakeutuminen/vahvista/<str:token>/", views.signup_confirm, name="signup_confirm"),
    # The applicant: a provider's admin or a signed-up company's user.
    path("hakemukset/", views.mine, name="mine"),
    path("hakemukset/<int:application_id>/", views.application, name="application"),
    path("hakemukset/<int:application_id>/liitteet/", views.attachment_add, name="attachment_add"),
    path("hakemukset/<int:application_id>/liitteet/<int:attachment_id>/poista/", views.attachment_remove,
         name="attachment_remove"),
    path("hakemukset/<int:application_id>/laheta/", views.application_send, name="send"),
    path("hakemukset/liitteet/<int:attachment_id>/", views.attachment, name="attachment"),
    path("hakemukset/saantokirjat/<int:rulebook_id>/hyvaksy/", views.rulebook_accept, name="rulebook_accept"),
    # Organisaatio → Sääntökirjat, Hakemukset (the organiser's admin).
    path("organisaatio/saantokirjat/", review_views.rulebook_list, name="rulebooks"),
    path("organisaatio/saantokirjat/uusi/", review_views.rulebook_add, name="rulebook_add"),
    path("organisaatio/saantokirjat/<int:rulebook_id>/", review_views.rulebook_detail, name="rulebook"),
    path("organisaatio/hakemukset/", review_views.review_queue, name="review_queue"),
    path("organisaatio/hakemukset/<int:application_id>/", review_views.review, name="review"),
]
