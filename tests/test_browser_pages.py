"""Every kind of page, public and admin, in a real Chromium (see tests/test_browser.py): no console
error, no uncaught exception and no Content-Security-Policy violation anywhere, the API's Swagger UI
and Redoc included; and axe-core finds no serious or critical problem on any of them: public pages
(in normal and large text), the API's pages and those editors and reviewers work in."""

import pytest

from .test_browser import accessibility_problems, admin_login, browser, library  # noqa: F401  (fixtures)
from .test_public_pages import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages beside the public kinds of tests/test_public_pages.py: the whole list, English, large text,
# an empty search, the short link, data releases, the data dictionary and the API's documentation.
MORE_PAGES = {
    "whole list": "/cases/",
    "empty search": "/cases/?q=厕所&province=510000",
    "english home": "/en/",
    "english case page": "/en/cases/{slug}/",
    "large text": "/cases/?q=养老&display=large",
    "large text case page": "/cases/{slug}/?display=large",
    "large text stats": "/stats/?display=large",
    "short link": "/c/{pk}/",
    "data releases": "/data/",
    "data dictionary": "/cases/export/fields",
    "swagger": "/api/docs/",
    "redoc": "/api/redoc/",
}
# What shows that a page has drawn itself (scripts included), where that is more than loading.
DRAWN = {"/": "#china-map[data-ready=true]", "/api/docs/": ".swagger-ui .opblock", "/api/redoc/": "text=/api/cases/"}


def watch(page) -> list[str]:
    """Everything that goes wrong in the page: console errors (failed loads among them),
    uncaught exceptions and the CSP's violation events."""
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    page.expose_function("reportViolation", lambda what: problems.append(f"CSP: {what}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    return problems


def visit(page, url: str, drawn: str | None = None) -> None:
    page.goto(url)
    if drawn:
        page.wait_for_selector(drawn, timeout=20000)
    page.wait_for_load_state("networkidle")


def test_no_public_page_has_a_console_error_an_exception_a_csp_violation_or_an_accessibility_problem(
    browser,  # noqa: F811
    live_server,
    library,  # noqa: F811
):
    from cases.models import Case

    case = Case.objects.published().filter(county__name="名山区").get()
    values = {"slug": case.slug, "source": case.source_id, "theme": "elderly-care", "pk": case.pk}
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems = watch(page)

    found, seen = {}, []
    for kind, path in {**PAGES, **MORE_PAGES}.items():
        url = live_server.url + path.format(**values)
        head = context.request.get(url)
        kind_of = head.headers.get("content-type", "").split(";")[0]
        shown = kind_of.startswith("text/") or kind_of.endswith(("json", "xml"))
        if not shown or "attachment" in head.headers.get("content-disposition", ""):
            continue  # a download (a spreadsheet, a citation file) is no page
        assert head.status == 200, (kind, head.status)
        visit(page, url, DRAWN.get(path))
        seen.append(kind)
        if kind_of == "text/html":  # the API's browsable pages, Swagger UI and Redoc included
            problems.extend(accessibility_problems(page))
        if problems:
            found[kind] = list(problems)
            problems.clear()
    context.close()

    assert found == {}, found
    assert {"home", "case page", "stats", "source page", "feed", "api list", "swagger", "redoc"} <= set(seen)


def test_the_admin_pages_editors_and_reviewers_use_are_accessible_and_error_free(browser, live_server, library):  # noqa: F811
    from cases.models import Case

    reviewer = admin_login(browser, live_server, "shenhe", "reviewer")
    problems = watch(reviewer)
    case = Case.objects.published().filter(county__name="名山区").get()
    history_id = case.history.order_by("-history_id").values_list("history_id", flat=True).first()
    admin = live_server.url + "/admin/"
    found = {}

    def check(kind: str) -> None:
        reviewer.wait_for_load_state("networkidle")
        seen = accessibility_problems(reviewer) + problems
        if seen:
            found[kind] = list(seen)
        problems.clear()

    for kind, path in {
        "review desk": "",
        "changelist": "cases/case/",
        "review queue": "cases/case/?status__exact=review",
        "change form": f"cases/case/{case.pk}/change/",
        "add form": "cases/case/add/",
        "history": f"cases/case/{case.pk}/history/",
        "history diff": f"cases/case/{case.pk}/history/{history_id}/",
        "preview": f"cases/case/{case.pk}/preview/",
        "deleted cases": "cases/case/deleted/",
        "spreadsheet import": "cases/case/import-sheet/",
        "sources": "cases/source/",
        "source form": f"cases/source/{case.source_id}/change/",
        "keywords": "cases/keyword/",
        "themes": "cases/theme/",
        "import": "cases/case/import/",
    }.items():
        reviewer.goto(admin + path)
        check(kind)
        if kind == "changelist":  # readable on a 1,366 px screen: the table fits, titles keep their room
            reviewer.set_viewport_size({"width": 1366, "height": 900})
            fits = reviewer.locator("#changelist .results").evaluate("el => el.scrollWidth <= el.clientWidth")
            title = reviewer.locator("#result_list .field-title_or_slug").first.bounding_box()
            assert (fits, title["width"] >= 200) == (True, True), title
        if kind == "review desk":  # counts as tiles, without the admin's square bullets
            bullets = reviewer.locator(".desk-counts li").first.evaluate("li => getComputedStyle(li).listStyleType")
            assert bullets == "none"

    # The import preview, from the import page the loop ended on.
    reviewer.get_by_label("或粘贴文本").fill(
        "第一篇：浙江安吉推行村村通公交\n\n安吉县开通镇村公交线路，实现建制村公交全覆盖，群众出行更方便。\n\n"
        "第二篇：某区建立儿童之家\n\n该区在每个镇街建立儿童之家，组织志愿者开展课后辅导和心理陪伴。\n"
    )
    reviewer.get_by_role("button", name="预览").click()
    reviewer.wait_for_selector("#import-preview")
    check("import preview")

    # The confirmation before a bulk publication, and the page sending cases back with a comment.
    for action, kind in (("publish", "publish confirmation"), ("send_back", "send back")):
        reviewer.goto(admin + "cases/case/?status__exact=draft")
        reviewer.locator("input[name=_selected_action]").nth(0).check()
        reviewer.locator("input[name=_selected_action]").nth(1).check()
        reviewer.locator("select[name=action]").select_option(action)
        reviewer.get_by_role("button", name="执行").click()
        reviewer.wait_for_selector("#content form")
        check(kind)
    reviewer.context.close()

    assert found == {}, found
