from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("organisaatio/api-avaimet/", views.api_keys, name="keys"),
    path("organisaatio/api-avaimet/<int:key_id>/", views.api_key_edit, name="key_edit"),
]
