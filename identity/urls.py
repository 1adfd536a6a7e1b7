from django.urls import path

from identity import views

app_name = "identity"
urlpatterns = [
    path("kutsu/<str:token>/", views.invitation, name="invitation"),
    path("organisaatio/kayttajat/kutsu/", views.invite, name="invite"),
    path("organisaatio/kayttajat/<int:user_id>/tunnistautuminen/", views.member, name="member"),
    path("organisaatio/tunnistautuminen/", views.identification, name="identification"),
]
