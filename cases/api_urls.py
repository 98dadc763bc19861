from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import api

urlpatterns = [
    path("cases/", api.CaseList.as_view(), name="api_cases"),
    path("cases/<slug:slug>/", api.CaseDetail.as_view(), name="api_case"),
    path("sources/", api.SourceList.as_view(), name="api_sources"),
    path("sources/<int:pk>/", api.SourceDetail.as_view(), name="api_source"),
    path("themes/", api.ThemeList.as_view(), name="api_themes"),
    path("regions/", api.RegionList.as_view(), name="api_regions"),
    path("regions/<str:code>/", api.RegionDetail.as_view(), name="api_region"),
    path("facets/", api.FacetCounts.as_view(), name="api_facets"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
]
