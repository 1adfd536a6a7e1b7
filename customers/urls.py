from django.urls import path

from customers import views

app_name = "customers"
urlpatterns = [
    path("ostovoimat/<str:number>/asiakkuus/", views.customership_create, name="create"),
]
