"""Data releases: the whole published library built once into citable, versioned files."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db.models import F
from openpyxl import load_workbook

from cases import release as releases
from cases.export import HEADERS, JSON_FIELDS, TABULAR_FIELDS
from cases.models import Case, LibraryState, Release


@pytest.fixture
def store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def read(store, release, fmt) -> bytes:
    entry = next(f for f in release.files if f["format"] == fmt)
    return (store / entry["path"]).read_bytes()


def test_a_release_holds_every_published_case_in_every_format(seeded, store):
    release = releases.build()
    published = Case.objects.published().count()
    state = LibraryState.objects.get()
    assert (release.case_count, release.library_version, release.library_epoch) == (
        published,
        state.version,
        str(state.epoch),
    )
    assert [f["format"] for f in release.files] == ["csv", "csv-codes", "xlsx", "xlsx-codes", "json", "datapackage"]

    text = read(store, release, "csv").decode("utf-8")
    assert text.startswith("\ufeff")  # for Excel on Chinese Windows
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [HEADERS[name] for name in TABULAR_FIELDS]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(Case.objects.published().values_list("pk", flat=True))
    codes = list(csv.reader(io.StringIO(read(store, release, "csv-codes").decode("utf-8-sig"))))
    assert codes[0] == TABULAR_FIELDS and [r[0] for r in codes[1:]] == [r[0] for r in rows[1:]]
    assert {r[TABULAR_FIELDS.index("status")] for r in codes[1:]} == {"published"}

    book = load_workbook(io.BytesIO(read(store, release, "xlsx")), read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(sheet[0]) == [HEADERS[name] for name in TABULAR_FIELDS] and len(sheet) == published + 1
    assert [str(r[0]) for r in sheet[1:]] == [r[0] for r in rows[1:]]
    book = load_workbook(io.BytesIO(read(store, release, "xlsx-codes")), read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(sheet[0]) == TABULAR_FIELDS and [str(r[0]) for r in sheet[1:]] == [r[0] for r in rows[1:]]
    assert {r[TABULAR_FIELDS.index("status")] for r in sheet[1:]} == {"published"}

    data = json.loads(read(store, release, "json"))
    assert len(data["cases"]) == published and list(data["cases"][0]) == JSON_FIELDS
    assert (data["meta"]["release"], data["meta"]["library_version"]) == (release.name, state.version)


def test_each_file_is_listed_with_its_size_and_sha256(seeded, store):
    release = releases.build()
    for entry in release.files:
        content = (store / entry["path"]).read_bytes()
        assert (entry["size"], entry["sha256"]) == (len(content), hashlib.sha256(content).hexdigest())


def test_the_data_package_validates_with_frictionless(seeded, store, tmp_path_factory):
    import frictionless

    release = releases.build()
    unpacked = tmp_path_factory.mktemp("package")
    zipfile.ZipFile(io.BytesIO(read(store, release, "datapackage"))).extractall(unpacked)
    assert sorted(p.name for p in unpacked.iterdir()) == [
        "case_themes.csv", "cases.csv", "datapackage.json", "figures.csv", "keywords.csv", "themes.csv",
    ]  # fmt: skip
    report = frictionless.validate(str(unpacked / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    descriptor = json.loads((unpacked / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["region_code"]["title"] == "区划代码"
    assert (
        fields["region_code"]["description"] == "最细一级的 GB/T 2260 区划代码 · GB/T 2260 code of the narrowest place"
    )
    with open(unpacked / "keywords.csv", encoding="utf-8") as f:
        keywords = list(csv.DictReader(f))
    case = Case.objects.published().get(county__name="名山区")
    assert {r["keyword"] for r in keywords if r["case_id"] == str(case.pk)} == set(case.tags.names())
    with open(unpacked / "figures.csv", encoding="utf-8") as f:
        figures = list(csv.DictReader(f))
    case = Case.objects.published().get(source__file_name__startswith="001", ordinal=4)
    mine = [
        (r["indicator"], r["value"], r["unit"], r["baseline"], r["confirmed"])
        for r in figures
        if r["case_id"] == str(case.pk)
    ]
    assert mine[7] == ("受理群众来电、信访等综治案件", "6632", "件", "6161", "False")
    assert len(mine) == case.figures.count() == 11


def test_the_data_package_keeps_values_as_stored(seeded, store, tmp_path_factory):
    case = Case.objects.published().get(county__name="名山区")
    case.summary = "+1 以加号开头"
    case.save()
    release = releases.build()
    with zipfile.ZipFile(io.BytesIO(read(store, release, "datapackage"))) as archive:
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open("cases.csv"), encoding="utf-8")))
    assert next(r for r in rows if r["id"] == str(case.pk))["summary"] == "+1 以加号开头"  # for programs: as is
    people = list(csv.reader(io.StringIO(read(store, release, "csv").decode("utf-8-sig"))))
    assert next(r for r in people if r[0] == str(case.pk))[3 + 1] == "'+1 以加号开头"  # for Excel: neutralised


def test_the_changelog_counts_added_changed_and_withdrawn_cases(seeded, store):
    first = releases.build()
    assert first.changelog["previous"] is None and first.changelog["added"] == first.case_count
    changed, withdrawn = Case.objects.published().order_by("pk")[:2]
    changed.title = "修改后的标题"
    changed.save()
    withdrawn.status = Case.Status.DRAFT
    withdrawn.save()
    draft = Case.objects.exclude(status=Case.Status.PUBLISHED).exclude(pk=withdrawn.pk).first()
    if draft is None:  # the seeds have one: a library without any is still a valid test of the other two
        added = []
    else:
        draft.status = Case.Status.PUBLISHED
        draft.save()
        added = [{"id": draft.pk, "slug": draft.slug, "title": draft.title}]

    second = releases.build()
    log = second.changelog
    assert second.name == f"{first.name}.2"  # the same day: numbered
    assert (log["previous"], log["added"], log["changed"], log["withdrawn"]) == (first.name, len(added), 1, 1)
    assert log["listed"]["changed"] == [{"id": changed.pk, "slug": changed.slug, "title": "修改后的标题"}]
    assert log["listed"]["withdrawn"] == [{"id": withdrawn.pk, "slug": withdrawn.slug, "title": withdrawn.title}]
    assert log["listed"]["added"] == added


def test_if_changed_builds_nothing_while_the_library_stays_as_released(seeded, store):
    assert releases.build(if_changed=True) is not None
    assert releases.build(if_changed=True) is None
    case = Case.objects.published().first()
    case.status = Case.Status.DRAFT
    case.save()
    assert releases.build(if_changed=True) is not None


def test_only_the_newest_releases_are_kept(seeded, store, settings):
    settings.RELEASES_KEEP = 2
    built = [releases.build() for _ in range(3)]
    assert list(Release.objects.values_list("name", flat=True)) == [built[2].name, built[1].name]
    assert not (store / built[0].name).exists() or not any((store / built[0].name).iterdir())
    assert all((store / f["path"]).exists() for r in built[1:] for f in r.files)


def test_a_file_is_moved_into_place_and_never_seen_half_written(seeded, store, monkeypatch):
    import os

    seen = []
    real_replace = os.replace

    def replace(source, target):
        seen.append((os.path.basename(os.path.dirname(source)), os.path.exists(target), os.path.getsize(source)))
        real_replace(source, target)

    monkeypatch.setattr(releases.os, "replace", replace)
    release = releases.build()
    assert len(seen) == 7  # six files and the index, each written in a directory of its own, then moved
    assert all(folder.startswith(".partial-") and not existed and size > 0 for folder, existed, size in seen)
    left = [p.name for p in (store / release.name).iterdir()]
    assert not [name for name in left if name.startswith(".partial-")]


def test_a_build_that_fails_leaves_no_release_and_no_file(seeded, store, monkeypatch):
    from cases import export

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "xlsx_file", broken)
    with pytest.raises(RuntimeError):
        releases.build()
    assert not Release.objects.exists()
    assert not list(store.rglob("*"))


def test_the_command_says_what_it_built(seeded, store):
    out = io.StringIO()
    call_command("release", "--base-url", "https://cases.example.cn/", stdout=out)
    release = Release.objects.get()
    assert out.getvalue().startswith(f"release {release.name} ({release.label}): {release.case_count} cases in ")
    data = json.loads(read(store, release, "json"))
    assert data["cases"][0]["url"].startswith("https://cases.example.cn/cases/")
    out = io.StringIO()
    call_command("release", "--if-changed", stdout=out)
    assert out.getvalue() == "unchanged since the latest release: nothing built\n"


def test_the_data_page_lists_releases_newest_first_with_citations_and_changes(seeded, store, client):
    first = releases.build()
    case = Case.objects.published().order_by("pk").first()
    case.status = Case.Status.DRAFT
    case.save()
    second = releases.build()
    html = client.get("/data/").content.decode()
    assert html.index(f'id="release-{second.name}"') < html.index(f'id="release-{first.name}"')
    title = f"乡村公共服务案例库 数据发布 {second.name} ({second.label})"
    url = f"http://testserver/data/{second.name}/"
    assert f"{title}[DS/OL]. 乡村公共服务案例库, {second.created:%Y}[" in html
    assert f"@misc{{caselib-release-{second.name}," in html
    assert "TY  - DATA" in html and f"ET  - {second.label}" in html
    assert f"自 {first.name} 以来：新增 0 个，修改 0 个，撤回 1 个。" in html
    for entry in second.files:
        assert entry["sha256"] in html
        assert f'href="/data/{second.name}/{entry["path"].rsplit("/", 1)[1]}"' in html
    assert url in html
    assert client.get(f"/data/{first.name}/").status_code == 200
    assert client.get("/data/1999-01-01/").status_code == 404


def test_release_files_download_from_their_stable_address(seeded, store, client):
    release = releases.build()
    for entry in release.files:
        name = entry["path"].rsplit("/", 1)[1]
        response = client.get(f"/data/{release.name}/{name}")
        content = b"".join(response.streaming_content)
        assert response.status_code == 200 and hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert f'filename="{name}"' in response["Content-Disposition"]
        assert "filename*=UTF-8''%E4%B9%A1%E6%9D%91" in response["Content-Disposition"]
    assert client.get(f"/data/{release.name}/index.csv").status_code == 404  # listed files only
    assert client.get(f"/data/{release.name}/..%2Fsecret").status_code == 404
    latest = client.get("/data/latest/csv")
    assert latest.status_code == 302 and latest["Location"] == f"/data/{release.name}/rural-cases-{release.name}.csv"


def test_the_whole_library_is_downloaded_from_the_release_while_it_is_current(seeded, store, client):
    release = releases.build()
    state = LibraryState.objects.get()
    names = {f["format"]: f["path"].rsplit("/", 1)[1] for f in release.files}
    stated = f"{release.name}; version=v{state.version}; cases={release.case_count}"
    for path, fmt in (("export.csv", "csv"), ("export.csv?headers=codes", "csv-codes"), ("export.json", "json"),
                      ("export.xlsx", "xlsx"), ("export.xlsx?headers=codes", "xlsx-codes"),
                      ("export.csv?sort=newest", "csv")):  # fmt: skip
        response = client.get(f"/cases/{path}")
        assert response.status_code == 302 and response["Location"] == f"/data/{release.name}/{names[fmt]}"
        assert (response["X-Data-Release"], response["X-Data-Release-Current"]) == (stated, "true")
    sent = client.get(f"/data/{release.name}/{names['csv']}")
    # The file says which release it is, but not whether it is current: caches keep it a day.
    assert (sent["X-Data-Release"], sent["Cache-Control"]) == (stated, "public, max-age=86400")
    assert "X-Data-Release-Current" not in sent
    b"".join(sent.streaming_content)
    # Another order or any filter: built on the fly.
    for params in ("sort=title", "province=510000"):
        response = client.get(f"/cases/export.csv?{params}")
        assert response.status_code == 200 and "X-Data-Release" not in response
        assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))
    # The same cases in the same order as the list's own download.
    text = read(store, release, "csv").decode("utf-8-sig")
    slugs = [row[1] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert slugs == list(
        Case.objects.published().order_by(F("year").desc(nulls_last=True), "-pk").values_list("slug", flat=True)
    )


def test_the_whole_library_built_on_the_fly_is_the_release_byte_for_byte(seeded, store, client, settings):
    """The release writes its CSV with the csv module, a download with the export's own writer."""
    case = Case.objects.published().first()
    # Past save(): every character a CSV quotes, a formula, a control character.
    Case.objects.filter(pk=case.pk).update(title='说"好", 再见', summary="=1+1", body="行一\r\n行二\n行\x0b三")
    release = releases.build(base_url="http://testserver")
    settings.EXPORT_FROM_RELEASE = False
    for params, fmt in (("", "csv"), ("?headers=codes", "csv-codes")):
        response = client.get(f"/cases/export.csv{params}")
        assert "X-Data-Release" not in response
        assert b"".join(response.streaming_content) == read(store, release, fmt)


def test_once_the_library_moved_on_a_small_one_is_built_afresh_a_large_one_is_the_release_so_stated(
    seeded, store, client, settings
):
    release = releases.build()
    case = Case.objects.published().first()
    case.status = Case.Status.DRAFT  # the library moved on: the release no longer holds the whole list
    case.save()
    response = client.get("/cases/export.csv")
    assert response.status_code == 200 and case.slug.encode() not in b"".join(response.streaming_content)

    settings.EXPORT_LIMITS = {**settings.EXPORT_LIMITS, "csv": 2}  # too large to build on the fly
    response = client.get("/cases/export.csv")
    assert response.status_code == 302 and response["Location"].startswith(f"/data/{release.name}/")
    assert response["X-Data-Release-Current"] == "false"
    assert client.get("/cases/export.csv?province=510000").status_code == 422  # a filtered list: no release holds it
    Release.objects.all().delete()
    assert client.get("/cases/export.csv").status_code == 422  # no release yet: refused up front, never cut


def test_release_files_are_sent_a_few_at_once(seeded, store, client, settings):
    from cases import limits
    from cases.models import ExportSlot

    settings.FILE_SLOTS, settings.EXPORT_SLOTS = 1, 2
    release = releases.build()
    name = release.files[0]["path"].rsplit("/", 1)[1]
    sending = client.get(f"/data/{release.name}/{name}")
    refused = client.get(f"/data/{release.name}/{name}")
    assert refused.status_code == 429 and refused["Retry-After"]
    b"".join(sending.streaming_content)  # sent: its slot is free again
    assert not ExportSlot.objects.filter(pool="file").exclude(holder="").exists()
    limits.take("export"), limits.take("export")  # the exports' slots are another pool
    response = client.get(f"/data/{release.name}/{name}")
    assert response.status_code == 200 and b"".join(response.streaming_content)


def test_the_unfiltered_list_says_its_download_is_the_data_release(seeded, client):
    sentence = "整个案例库的下载即最新的数据发布"
    assert sentence in client.get("/cases/").content.decode()
    assert sentence in client.get("/cases/?sort=newest&page=2").content.decode()
    assert sentence not in client.get("/cases/?province=510000").content.decode()
    assert sentence not in client.get("/cases/?sort=title").content.decode()
    assert "A download of the whole library is the latest data release" in client.get("/en/cases/").content.decode()


def test_behind_nginx_a_release_file_is_sent_by_nginx_through_x_accel_redirect(seeded, store, client, settings):
    from cases import limits

    settings.RELEASE_ACCEL_REDIRECT = "/protected/releases/"
    settings.FILE_SLOTS = 1
    limits.take("file")  # every worker's slot taken: nginx sends the file, no worker is held
    release = releases.build()
    entry = next(f for f in release.files if f["format"] == "xlsx")
    name = entry["path"].rsplit("/", 1)[1]
    response = client.get(f"/data/{release.name}/{name}")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/releases/{release.name}/{name}"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}"; filename*=UTF-8')
    assert response["X-Data-Release"].startswith(f"{release.name}; version=")
    assert "X-Sendfile" not in response


def test_behind_apache_a_release_file_is_sent_through_x_sendfile(seeded, store, client, settings):
    settings.RELEASE_X_SENDFILE = True
    release = releases.build()
    entry = next(f for f in release.files if f["format"] == "csv")
    response = client.get(f"/data/{release.name}/{entry['path'].rsplit('/', 1)[1]}")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Sendfile"] == str(store / entry["path"])
    assert response["Content-Type"] == "text/csv; charset=utf-8" and "X-Accel-Redirect" not in response


def test_by_default_a_release_file_is_sent_by_the_worker_itself(seeded, store, client):
    release = releases.build()
    entry = next(f for f in release.files if f["format"] == "json")
    response = client.get(f"/data/{release.name}/{entry['path'].rsplit('/', 1)[1]}")
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert b"".join(response.streaming_content) == read(store, release, "json")


def test_every_tabular_download_of_the_whole_library_is_served_however_large_word_and_citations_refer_to_it(
    seeded, store, client, settings
):
    settings.EXPORT_LIMITS = {"docx": 2, "xlsx": 2, "cite": 2, "csv": 2, "json": 2}  # the library is larger
    release = releases.build()
    names = {f["format"]: f["path"].rsplit("/", 1)[1] for f in release.files}
    served = {
        "/cases/export.csv": "csv",
        "/cases/export.csv?headers=codes": "csv-codes",
        "/cases/export.json": "json",
        "/cases/export.json?headers=codes": "json",
        "/cases/export.xlsx": "xlsx",
        "/cases/export.xlsx?headers=codes": "xlsx-codes",
        "/data/latest/datapackage": "datapackage",
    }
    for path, fmt in served.items():
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, f"/data/{release.name}/{names[fmt]}"), path
        file = client.get(response["Location"])
        assert file.status_code == 200 and int(file["Content-Length"]) == len(b"".join(file.streaming_content))
    # Word and citations are for reading a few cases: the whole library is refused with the release's link.
    for path in ("/cases/export.docx", "/cases/cite.bib", "/cases/cite.ris", "/cases/cite.txt"):
        response = client.get(path)
        assert response.status_code == 422 and f'href="/data/#release-{release.name}"' in response.content.decode()
