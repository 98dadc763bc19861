from django.urls import path, re_path

from . import views
from .feeds import CaseFeed

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("mine/", views.mine, name="mine"),
    path("compare/", views.compare_cases, name="compare"),
    re_path(r"^compare/export\.(?P<fmt>xlsx|docx)$", views.compare_export, name="compare_export"),
    path("cases/suggest/", views.suggest, name="suggest"),
    re_path(r"^cases/export\.(?P<fmt>csv|xlsx|json)$", views.case_export, name="case_export"),
    path("cases/export/fields", views.export_fields, name="export_fields"),
    path("cases/figures.csv", views.figures_export, name="figures_export"),
    re_path(r"^cases/cite\.(?P<ext>txt|bib|ris)$", views.list_citations, name="list_citations"),
    path("cases/feed/", CaseFeed(), name="case_feed"),
    path("cases/export.docx", views.list_docx, name="list_docx"),
    path("cases/<slug:slug>/export.docx", views.case_docx, name="case_docx"),
    re_path(r"^cases/(?P<slug>[-\w]+)/cite\.(?P<ext>txt|bib|ris)$", views.case_citation, name="case_citation"),
    path("cases/<slug:slug>/", views.case_detail, name="case_detail"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("stats/", views.stats, name="stats"),
    path("stats/table.<str:fmt>", views.stats_table, name="stats_table"),
    path("data/", views.data_releases, name="data_releases"),
    re_path(
        r"^data/latest/(?P<fmt>csv|csv-codes|xlsx|xlsx-codes|json|datapackage)$", views.data_latest, name="data_latest"
    ),
    re_path(r"^data/(?P<name>\d{4}-\d\d-\d\d(?:\.\d+)?)/$", views.data_releases, name="data_release"),
    re_path(r"^data/(?P<name>\d{4}-\d\d-\d\d(?:\.\d+)?)/(?P<file_name>[-\w.]+)$", views.data_file, name="data_file"),
    path("c/<int:pk>/", views.case_short, name="case_short"),
    path("c/<int:pk>/qr.svg", views.case_qr, name="case_qr"),
]
