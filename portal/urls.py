from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from cases.sitemaps import SITEMAPS
from cases.views import healthz, robots_txt

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/", include("cases.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
# The public pages in every language, the language in the address (Chinese without a prefix,
# English under /en/: cases.middleware.language_from_path), never in a cookie.
urlpatterns += i18n_patterns(path("", include("cases.urls")), prefix_default_language=False)

handler500 = "cases.views.server_error"
