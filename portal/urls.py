from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from cases.sitemaps import SITEMAPS
from cases.views import healthz, robots_txt

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Choosing a language only sets a cookie: exempt, so that public pages carry no CSRF token
    # and can be cached whole (cases/pagecache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/", include("cases.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("cases.urls")),
]

handler500 = "cases.views.server_error"
