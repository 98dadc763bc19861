"""On a phone (390×844) and a desktop (1366×900): what an official sees first."""

import pytest

from .test_browser import browser, library, shot  # noqa: F401  (browser and library are fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/cases/?q=养老", "/cases/?province=510000"])
def test_the_count_and_the_first_result_are_on_the_first_screen_of_a_phone(phone, live_server, library, path):  # noqa: F811
    phone.goto(live_server.url + path)

    total = phone.locator("p.total").bounding_box()
    first = phone.locator(".case-card").first.bounding_box()

    assert total["y"] + total["height"] <= PHONE["height"]
    assert first["y"] + 40 <= PHONE["height"]  # at least its title shows
    shot(phone, "phone-list-" + path.split("?")[1].split("=")[0])


def test_the_filters_open_over_the_list_on_a_phone_with_the_number_chosen(phone, live_server, library):  # noqa: F811
    phone.goto(live_server.url + "/cases/?q=养老&province=510000")
    summary = phone.locator(".filter-panel > summary")
    assert " ".join(summary.inner_text().split()) == "筛选 2"
    assert not phone.locator("form.filters").is_visible()

    summary.click()

    assert phone.locator("form.filters").is_visible()


def test_the_statistics_table_scrolls_inside_its_box_on_a_phone(phone, live_server, library):  # noqa: F811
    phone.goto(live_server.url + "/stats/")

    page_width = phone.evaluate("() => document.documentElement.scrollWidth")
    box = phone.locator(".table-scroll").first
    inner = box.evaluate("el => [el.scrollWidth, el.clientWidth]")

    assert page_width <= PHONE["width"]
    assert inner[0] > inner[1]  # the table is wider than its box and scrolls there
    shot(phone, "phone-stats")


def test_filtering_leaves_empty_fields_out_of_the_address(browser, live_server, library):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/cases/")
    assert page.locator("form.filters").is_visible()  # open beside the results on a wide screen

    page.locator("form.filters select[name=province]").select_option("510000")
    page.wait_for_url("**/cases/?province=510000")

    assert page.url == live_server.url + "/cases/?province=510000"
    context.close()


def test_large_text_enlarges_the_search_box_and_buttons(browser, live_server, library):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/cases/")

    def sizes():
        return page.evaluate(
            """() => ['header input[type=search]', 'header button[type=submit]', 'form.filters select',
                      'form.filters button'].map(s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
        )

    before = sizes()
    page.get_by_role("link", name="大字模式").click()
    page.wait_for_selector(".large-text")
    after = sizes()

    assert [round(a / b, 2) for a, b in zip(after, before, strict=True)] == [1.25, 1.25, 1.25, 1.25]
    context.close()
