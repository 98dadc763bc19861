"""An editor brings a Word file to 导入文档, splits an item the pipeline left whole, sees the
evidence beside the fields and confirms: in a real Chromium (see tests/test_browser.py)."""

import pytest

from tests import samples

from .test_browser import ARTIFACTS, admin_login, browser, library, page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_splits_an_item_in_the_import_preview_and_confirms(browser, live_server, library):  # noqa: F811
    from playwright.sync_api import expect

    from cases.models import Source

    editor = admin_login(browser, live_server, "bianji", "editor")
    editor.goto(live_server.url + "/admin/cases/case/import/")
    editor.get_by_label("上传文件").set_input_files(
        {
            "name": "选编.docx",
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": samples.make_docx(),
        }
    )
    editor.get_by_role("button", name="预览").click()
    editor.wait_for_selector("#import-preview")
    expect(editor.locator(".import-case")).to_have_count(2)
    second = editor.locator("#import-case-2")
    assert samples.HIDDEN in second.locator(".import-paragraphs").inner_text()
    # The second article hides a third case: a new item starts at its title line.
    second.locator("li", has_text=samples.HIDDEN).get_by_role("button", name="在此拆分").click()
    expect(editor.locator(".import-case")).to_have_count(3)
    third = editor.locator("#import-case-3")
    assert third.locator("h2").inner_text() == f"3. {samples.HIDDEN}"
    assert samples.HIDDEN not in editor.locator("#import-case-2 .import-paragraphs").inner_text()
    assert "四川省 › 泸州市 › 古蔺县" in third.locator(".select2-selection__rendered").first.inner_text()
    evidence = third.locator(".import-field-doc_type .evidence")
    expect(evidence).to_be_visible()
    assert evidence.inner_text().startswith("依据")
    assert "沿用拆分前条目的文档类型" in evidence.inner_text()
    # Doc type and year are edited in place; the text areas are as tall as their text.
    third.locator("select[name=case-2-doc_type]").select_option("report")
    third.locator("input[name=case-2-year]").fill("2021")
    area = third.locator("textarea[name=case-2-summary]")
    assert area.evaluate("a => a.scrollHeight <= a.clientHeight + 2")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    full, item = ARTIFACTS / "import-preview-split.png", ARTIFACTS / "import-preview-split-item.png"
    editor.screenshot(path=str(full), full_page=True)
    third.screenshot(path=str(item))
    print(f"screenshots: {full} {item}")
    assert Source.objects.filter(file_name="选编.docx").count() == 0  # nothing saved yet

    editor.get_by_role("button", name="确认导入").first.click()
    editor.wait_for_selector(".messagelist .success")
    assert "已导入 3 个案例" in editor.locator(".messagelist").inner_text()
    cases = Source.objects.get(file_name="选编.docx").cases.order_by("ordinal")
    assert [(c.title, c.county.name, c.status) for c in cases] == [
        (samples.FIRST, "安吉县", "draft"),
        (samples.SECOND, "名山区", "draft"),
        (samples.HIDDEN, "古蔺县", "draft"),
    ]
    assert (cases[2].doc_type, cases[2].year) == ("report", 2021)
    assert editor.violations == []
    editor.context.close()


def test_split_and_merge_work_without_javascript(browser, live_server, library):  # noqa: F811
    from cases.models import Source

    from .test_browser import EDITOR_PASSWORD

    admin_login(browser, live_server, "bianji", "editor").context.close()  # creates the account
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    editor = context.new_page()
    editor.goto(live_server.url + "/admin/")
    editor.get_by_label("用户名").fill("bianji")
    editor.get_by_label("密码").fill(EDITOR_PASSWORD)
    editor.get_by_role("button", name="登录").click()
    editor.goto(live_server.url + "/admin/cases/case/import/")
    editor.get_by_label("上传文件").set_input_files(
        {"name": "选编.pdf", "mimeType": "application/pdf", "buffer": samples.make_pdf()}
    )
    editor.get_by_role("button", name="预览").click()
    assert editor.locator(".import-case").count() == 2
    editor.get_by_role("button", name="与下一条合并").click()
    assert editor.locator(".import-case").count() == 1
    assert editor.url.endswith("#import-case-1")  # back where the curator was
    editor.locator("#import-case-1 li", has_text=samples.SECOND).get_by_role("button", name="在此拆分").click()
    assert editor.locator(".import-case").count() == 2
    editor.get_by_role("button", name="确认导入").first.click()
    assert "已导入 2 个案例" in editor.locator(".messagelist").inner_text()
    titles = Source.objects.get(file_name="选编.pdf").cases.order_by("ordinal").values_list("title", flat=True)
    # Split again where the merged item's second title stands: the pipeline's own item comes back.
    assert list(titles) == [samples.FIRST, samples.SECOND]
    context.close()
