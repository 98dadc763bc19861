from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Case


class CaseSitemap(Sitemap):
    """Published cases only; drafts and cases under review are never listed."""

    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Case.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, case):
        return case.updated


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", "case_list", "stats"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"cases": CaseSitemap, "pages": PageSitemap}
