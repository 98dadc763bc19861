"""An editor's own choice settles the importer's doubt: a year changed in the change form clears
year-conflict, a theme given to a case (in the form or by the bulk action) clears theme-unknown.
An unchanged save settles nothing."""

import pytest
from django.urls import reverse

from cases.models import Case

from .factories import CaseFactory, ThemeFactory
from .test_admin import change_url, make_user, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, seeded):
    client.force_login(make_user("bianji", "editor"))
    return client


def imported_case(**fields):
    """A draft as the importer left it: what it wrote is remembered in ``imported``."""
    case = CaseFactory(status=Case.Status.DRAFT, **fields)
    Case.objects.filter(pk=case.pk).update(imported={"year": case.year, "title": case.title})
    return Case.objects.get(pk=case.pk)


def test_a_year_corrected_in_the_form_clears_the_year_conflict(editor_client):
    case = imported_case(year=2011, quality_flags=["year-conflict"])

    response = editor_client.post(change_url(case), post_data(case, year=2012))

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.year, case.quality_flags) == (2012, [])


def test_a_save_that_keeps_the_imported_year_keeps_the_doubt(editor_client):
    case = imported_case(year=2011, quality_flags=["year-conflict"])

    editor_client.post(change_url(case), post_data(case, title="更正后的标题"))

    case.refresh_from_db()
    assert (case.title, case.quality_flags) == ("更正后的标题", ["year-conflict"])


def test_a_theme_chosen_in_the_form_clears_theme_unknown(editor_client):
    case = imported_case(themes=[], quality_flags=["theme-unknown"])
    theme = ThemeFactory()

    editor_client.post(change_url(case), post_data(case, themes=[theme.pk]))

    case.refresh_from_db()
    assert (list(case.themes.all()), case.quality_flags) == ([theme], [])


def test_a_theme_added_by_the_bulk_action_clears_theme_unknown(editor_client):
    case = imported_case(themes=[], quality_flags=["theme-unknown"])
    water = ThemeFactory()
    changelist = reverse("admin:cases_case_changelist")

    editor_client.post(
        changelist, {"action": "add_theme", "_selected_action": [case.pk], "apply": "1", "theme": water.pk}
    )

    case.refresh_from_db()
    assert (list(case.themes.all()), case.quality_flags) == ([water], [])


def test_a_theme_added_in_code_clears_theme_unknown():
    case = imported_case(themes=[], quality_flags=["theme-unknown"])

    case.themes.add(ThemeFactory())

    assert Case.objects.get(pk=case.pk).quality_flags == []


def test_a_case_still_without_a_theme_keeps_theme_unknown(editor_client):
    case = imported_case(themes=[], quality_flags=["theme-unknown"])

    editor_client.post(change_url(case), post_data(case, title="补写的标题"))

    case.refresh_from_db()
    assert case.quality_flags == ["theme-unknown"]
