from django.contrib import admin
from django.urls import include, path

from cases.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("cases.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("cases.urls")),
]
