"""A case page with key figures, in a real Chromium: accessible on a desktop and a phone, and the
table fits the phone's width (it scrolls inside its box, never the page)."""

import pytest

from .test_browser import accessibility_problems, browser, library, page, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures_case(library):  # noqa: F811
    from cases.models import Case

    case = Case.objects.published().get(source__file_name__startswith="001", ordinal=4)
    first = case.figures.first()
    first.confirmed = True
    first.save()
    return case


@pytest.mark.parametrize("display", ["", "?display=large"])
def test_a_case_page_with_key_figures_has_no_serious_accessibility_violations(page, live_server, figures_case, display):  # noqa: F811
    page.goto(live_server.url + figures_case.get_absolute_url() + display)
    page.wait_for_load_state("networkidle")
    assert page.locator("table.figures-table tbody tr").count() == 11
    assert page.locator("table.figures-table .badge-extracted").count() == 10
    assert accessibility_problems(page) == []
    shot(page, "case-figures" + ("-large" if display else ""))


def test_the_figures_table_scrolls_inside_its_box_on_a_phone(browser, live_server, figures_case):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(live_server.url + figures_case.get_absolute_url())
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone, "phone-case-figures")
    context.close()
