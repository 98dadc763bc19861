"""End to end in a real Chromium (Debian's), driven by Playwright."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's
    # database teardown must still be allowed to run here (tests only).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def library(transactional_db):
    """Transactional tests empty the database afterwards: load the seeds again when needed."""
    from cases.load import load_files
    from cases.models import Case, Theme

    from .conftest import SOURCES

    if not Theme.objects.exists():
        # A flushed database lost what the data migration made.
        import importlib

        from django.apps import apps

        importlib.import_module("cases.migrations.0002_themes").create(apps, None)
    if not Case.objects.exists():
        load_files(sorted(SOURCES.glob("*.txt")))
    from cases.models import Synonym
    from cases.vocabulary import load_synonyms

    load_synonyms(Synonym)  # the related-term groups, also made by a data migration
    from cases.roles import sync_roles

    sync_roles()  # the editors' groups, also made by a data migration


ARTIFACTS = Path(__file__).parent / "e2e" / "artifacts"


@pytest.fixture
def page(browser, live_server):
    """A page that records every request it makes, to prove none leaves the portal."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.violations.append(message.text),
    )
    yield page
    context.close()
    assert page.violations == []
    foreign = [url for url in page.requests if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert foreign == []


AXE = Path(__file__).parent / "e2e" / "vendor" / "axe.min.js"


def accessibility_problems(page) -> list[str]:
    """Serious and critical WCAG 2.1 A/AA violations that axe-core finds on the page."""
    # Evaluated through the DevTools protocol, not as a page script: the page's CSP stays strict.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_official_clicks_a_province_on_the_map(page, live_server, library):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#china-map[data-ready=true]")
    shot(page, "home")
    # The centre of Sichuan, in screen coordinates of the map.
    x, y = page.evaluate("() => window.caseMap.convertToPixel({seriesIndex: 0}, [102.9, 30.4])")
    box = page.locator("#china-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    # The map counts cases proper (案例): Sichuan's news, report and notice are in the list by type.
    page.wait_for_url("**/cases/?doc_type=case&province=510000")
    assert page.locator("#total").inner_text() == "1"
    page.get_by_role("link", name="乡镇公共服务与便民服务").first.click()
    page.wait_for_url("**theme=township-services**")
    assert page.locator("#total").inner_text() == "1"
    shot(page, "list")


def test_an_official_finds_elder_care_cases_by_theme_and_search(page, live_server, library):
    page.goto(live_server.url + "/")
    assert page.title() == "乡村公共服务案例库"
    page.get_by_role("link", name="农村养老服务").first.click()
    page.wait_for_url("**/cases/?doc_type=case&theme=elderly-care")
    assert "依托“暖心食堂”构建新型农村养老服务体系" in page.content() or page.locator(".case-card").count() > 0

    page.get_by_label("搜索").fill("養老")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/cases/?q=*")
    assert page.locator("#total").inner_text() == "6"
    assert "养老" in page.locator(".snippet mark").first.inner_text()  # 养老 or a related term (养老服务)
    page.get_by_label("搜索").fill("全程代办")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/cases/?q=*")
    # Best match first; cases with related terms (代办, 一站式 …) follow.
    assert page.locator(".case-card h3").first.inner_text() == "“全程代办”实现农村公共服务“零距离”"
    page.get_by_role("link", name="“全程代办”实现农村公共服务“零距离”").click()
    assert page.locator("h1").inner_text() == "“全程代办”实现农村公共服务“零距离”"
    assert "四川省 › 雅安市 › 名山区" in page.locator(".meta").first.inner_text()
    page.get_by_text("查看原文片段").click()
    assert "19-四川名山" in page.locator("pre.raw").inner_text()
    shot(page, "case")

    page.get_by_role("link", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", name="Summary").is_visible()
    assert page.locator("h1").inner_text() == "“全程代办”实现农村公共服务“零距离”"
    page.get_by_role("link", name="Large text").click()
    page.wait_for_selector("html.large-text")
    page.reload()  # remembered by the script, not by the server
    page.wait_for_selector("html.large-text")
    assert accessibility_problems(page) == []
    shot(page, "case-en-large")


def test_the_list_filters_by_province_without_javascript(browser, live_server, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/cases/?province=640000")
    titles = page.locator(".case-card h3").all_inner_texts()
    assert sorted(titles) == sorted(["危窑危房换新颜 圆梦安居暖心房", "“互联网+”打通农村人饮工程“最后100米”"])
    context.close()


@pytest.mark.parametrize(
    "path", ["/", "/cases/?q=养老", "/stats/", "/cases/{slug}/", "/sources/{source}/", "/cases/{doubtful}/"]
)
def test_public_pages_have_no_serious_accessibility_violations(page, live_server, library, path):
    from cases.models import Case

    case = Case.objects.published().filter(county__name="名山区").get()
    doubtful = Case.objects.published().filter(quality_flags__icontains="year-conflict").first()
    page.goto(live_server.url + path.format(slug=case.slug, source=case.source_id, doubtful=doubtful.slug))
    page.wait_for_load_state("networkidle")
    assert accessibility_problems(page) == []


def test_the_api_documentation_loads_nothing_from_elsewhere(page, live_server, library):
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".opblock-summary-path").first.inner_text().startswith("/api/")


def test_the_api_reference_in_redoc_loads_nothing_from_elsewhere(page, live_server, library):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(live_server.url + "/api/redoc/")
    page.wait_for_selector("text=/api/cases/", timeout=20000)
    page.wait_for_load_state("networkidle")
    assert errors == []


# ---- the editors' journey ----------------------------------------------------------------------

JOURNEY = (
    "关于推广乡村公共服务典型案例的通知\n\n"
    "第一篇：浙江安吉推行“村村通”公交\n\n"
    "安吉县统筹城乡交通资源，开通镇村公交线路，实现建制村公交全覆盖。主要做法：一是整合客运资源；二是财政补贴票价。\n\n"
    "第二篇：某区建立“儿童之家”关爱农村留守儿童\n\n"
    "该区在每个镇街建立儿童之家，组织志愿者开展课后辅导和心理陪伴，留守儿童的学习和心理状况明显改善。\n"
)
EDITOR_PASSWORD = "Rural-case-2026!"


def admin_login(browser, live_server, username, role):
    from django.core.management import call_command

    call_command("create_editor", username, "--role", role, "--password", EDITOR_PASSWORD)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))
    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("#site-name")
    return page


def test_an_editor_imports_a_document_and_a_reviewer_publishes_it(browser, live_server, library, page):
    from cases.models import Case

    title = "某区建立“儿童之家”关爱农村留守儿童"
    editor = admin_login(browser, live_server, "bianji", "editor")
    editor.goto(live_server.url + "/admin/cases/case/")
    editor.get_by_role("link", name="导入文档").click()
    editor.get_by_label("或粘贴文本").fill(JOURNEY)
    editor.get_by_label("文档标题").fill("典型案例通知（测试）")
    editor.get_by_role("button", name="预览").click()
    editor.wait_for_selector("#import-preview")
    assert editor.locator(".import-case").count() == 2
    second = editor.locator("#import-case-2")
    assert "地区不明" in second.inner_text()
    shot(editor, "editor-1-import-preview")
    # Fix the region with the autocomplete: typing 怀柔 finds 北京市 › 怀柔区.
    second.locator(".select2-selection").first.click()
    editor.locator(".select2-container--open .select2-search__field").fill("怀柔")
    from playwright.sync_api import expect

    option = editor.locator(".select2-results__option").first
    expect(option).to_have_text("北京市 › 怀柔区")  # the search answered: the only match
    shot(editor, "editor-2-region-autocomplete")
    option.click()
    assert "北京市 › 怀柔区" in second.locator(".select2-selection__rendered").first.inner_text()
    editor.get_by_role("button", name="确认导入").last.click()
    editor.wait_for_selector(".messagelist .success")
    assert "已导入 2 个案例" in editor.locator(".messagelist").inner_text()
    shot(editor, "editor-3-imported-drafts")
    case = Case.objects.get(title=title)
    assert (case.status, case.county.name, case.province.name) == ("draft", "怀柔区", "北京市")
    # Send it to review with the bulk action.
    editor.locator(f"input[name=_selected_action][value='{case.pk}']").check()
    editor.locator("select[name=action]").select_option("send_to_review")
    editor.get_by_role("button", name="执行").click()
    editor.wait_for_selector(".messagelist .success")
    assert Case.objects.get(pk=case.pk).status == "review"
    assert editor.locator("select[name=action] option[value=publish]").count() == 0  # editors cannot publish
    assert editor.violations == []
    editor.context.close()

    reviewer = admin_login(browser, live_server, "shenhe", "reviewer")
    reviewer.goto(live_server.url + "/admin/cases/case/?status__exact=review")
    assert title in reviewer.locator("#result_list").inner_text()
    reviewer.locator(f"input[name=_selected_action][value='{case.pk}']").check()
    reviewer.locator("select[name=action]").select_option("publish")
    reviewer.get_by_role("button", name="执行").click()
    # Nothing is published before the reviewer has seen the cases with their flags and confirmed.
    assert title in reviewer.locator(".confirm-cases").inner_text()
    shot(reviewer, "reviewer-3-confirm")
    reviewer.get_by_role("button", name="确认发布").click()
    reviewer.wait_for_selector(".messagelist .success")
    reviewer.goto(live_server.url + "/admin/cases/case/?q=儿童之家")
    assert "已发布" in reviewer.locator("#result_list").inner_text()
    shot(reviewer, "reviewer-4-published")
    assert Case.objects.get(pk=case.pk).status == "published"
    history = reviewer.goto(live_server.url + f"/admin/cases/case/{case.pk}/history/")
    assert history.ok and "发布" in reviewer.locator("#history").inner_text()
    assert "bianji" in reviewer.locator("#history").inner_text()
    shot(reviewer, "reviewer-5-history")
    assert reviewer.violations == []
    reviewer.context.close()

    # Public at once: in the list and in search, for anyone.
    page.goto(live_server.url + "/cases/?province=110000")
    assert title in page.locator(".case-card h3").all_inner_texts()
    page.get_by_label("搜索").fill("儿童之家")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/cases/?q=*")
    assert page.locator(".case-card h3").first.inner_text() == title
    shot(page, "public-6-search")


SCREENS = Path("/work/wt/_notes/screens")  # for the closing note, when run in the team's checkout


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


# The two sizes an official meets (desktop and phone): the search's screenshots of issue 16 are
# written to docs/screenshots/ when SCREENSHOTS=1 (they are committed; a plain run leaves them).
SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
DOCS = Path(__file__).parent.parent / "docs" / "screenshots"


def document(page, name):
    if os.environ.get("SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_typing_in_the_search_box_suggests_words_and_places(page, live_server, library, size):
    page.set_viewport_size(SIZES[size])
    page.goto(live_server.url + "/")
    box = page.locator("header input[name=q]")
    box.press_sequentially("留守", delay=50)
    suggestions = page.locator("#search-suggestions")
    suggestions.locator("a").first.wait_for()
    expect(suggestions.locator("a").first).to_have_text("留守3")  # the word and its count
    expect(suggestions.locator("a", has_text="留守儿童")).to_be_visible()
    shot(page, f"search-suggestions-{size}")
    document(page, f"16-suggestions-{size}")
    suggestions.locator("a", has_text="留守儿童").click()
    page.wait_for_url("**/cases/?q=*")
    expect(page.locator(".case-card h3").first).to_contain_text("留守儿童")
    assert all(url.startswith(live_server.url) for url in page.requests)


@pytest.mark.parametrize("size", SIZES)
def test_a_search_without_results_shows_the_alternatives(page, live_server, library, size):
    page.set_viewport_size(SIZES[size])
    page.goto(live_server.url + "/cases/?q=" + "厕所" + "&province=510000")
    expect(page.locator("#total")).to_have_text("0")
    alternatives = page.locator("#alternatives")
    expect(alternatives).to_contain_text("去掉筛选条件“四川省”，有 3 个案例")
    expect(alternatives).to_contain_text("相关主题：")
    alternatives.scroll_into_view_if_needed()
    expect(alternatives).to_be_in_viewport()
    shot(page, f"search-alternatives-{size}")
    document(page, f"16-zero-results-{size}")
    alternatives.get_by_role("link", name="3 个案例").click()
    expect(page.locator("#total")).to_have_text("3")


def test_a_place_and_a_topic_become_a_removable_chip(page, live_server, library):
    page.goto(live_server.url + "/cases/?q=" + "四川 养老")
    chip = page.get_by_role("link", name="移除 四川省")
    expect(chip).to_be_visible()
    if SCREENS.parent.exists():
        SCREENS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENS / "h-search-place-chip.png"), full_page=True)
    before = int(page.locator("#total").inner_text())
    chip.click()
    expect(page.locator("header input[name=q]")).to_have_value("养老")
    assert int(page.locator("#total").inner_text()) > before
