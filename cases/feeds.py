from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .filters import CaseFilter, InvalidFilter, strict
from .ingest.controls import strip_controls
from .models import Case

FEED_SIZE = 50


class CaseFeed(Feed):
    """An Atom feed of any filtered list: follow "new elder-care cases in Sichuan"."""

    feed_type = Atom1Feed
    title = "乡村公共服务案例库"
    subtitle = "新发布的案例"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilter as error:
            return error.response()

    def get_object(self, request):
        self.request = request
        return strict(CaseFilter(request.GET or None, queryset=Case.objects.published()))

    def link(self, case_filter):
        query = self.request.GET.urlencode()
        return reverse("case_list") + (f"?{query}" if query else "")

    def feed_url(self, case_filter):
        query = self.request.GET.urlencode()
        return reverse("case_feed") + (f"?{query}" if query else "")

    def items(self, case_filter):
        return case_filter.qs.order_by("-created", "-pk").with_related()[:FEED_SIZE]

    # Atom is XML: no control character may be in it (cases/ingest/controls.py).
    def item_title(self, case):
        return strip_controls(case.title)

    def item_description(self, case):
        return strip_controls(case.summary)

    def item_pubdate(self, case):
        return case.created

    def item_updateddate(self, case):
        return case.updated

    def item_categories(self, case):
        return [strip_controls(t.name) for t in case.themes.all()]
