from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from psop.views import health

admin.site.site_header = "PSOP – ylläpito"
admin.site.site_title = "PSOP-ylläpito"
admin.site.index_title = "Rekisterit"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="vouchers:customer_tab"), name="home"),
    path("terveys/", health, name="health"),
    path("kirjaudu/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("vouchers.urls")),
    path("", include("organisations.urls")),
    path("", include("reservations.urls")),
    path("", include("events.urls")),
    path("", include("customers.urls")),
    path("", include("payments.urls")),
]

handler404 = "psop.views.page_not_found"
handler403 = "psop.views.permission_denied"
handler500 = "psop.views.server_error"
