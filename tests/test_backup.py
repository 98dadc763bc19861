"""backup → empty database → restore is lossless, history and editors included."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from taggit.models import Tag

from cases import history
from cases.backup import BackupError, dump, load
from cases.models import Case, KeyFigure, Region, Source


def backup_text(**options) -> str:
    out = io.StringIO()
    dump(out, **options)
    return out.getvalue()


def comparable(text: str) -> dict:
    document = json.loads(text)
    document.pop("created")
    return document


def differences(second: dict, first: dict, label: str) -> list:
    """(pk, field, restored value, original value) for each field that differs."""
    found = []
    for after, before in zip(second["objects"][label], first["objects"][label], strict=False):
        for name in sorted(set(after["fields"]) | set(before["fields"])):
            if after["fields"].get(name) != before["fields"].get(name):
                found.append((after["pk"], name, after["fields"].get(name), before["fields"].get(name)))
    return found[:5]


def empty_library():
    """What `migrate` leaves: no cases, sources, keywords, history, accounts or gazetteer."""
    Case.objects.all().delete()
    Case.history.all().delete()  # after the cases: deleting them is recorded too
    KeyFigure.history.all().delete()
    for field in Case.history.model._history_m2m_fields:  # each record's themes and keywords
        getattr(Case.history.model, field.name).model.objects.all().delete()
    Tag.objects.all().delete()
    Source.objects.all().delete()
    Region.objects.update(parent=None)
    Region.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.fixture
def edited_library(seeded):
    """The seeds, plus what editors did: edits, a bulk publish, a deletion."""
    from cases import workflow

    User = get_user_model()
    editor = User.objects.create_user("bianji", password="Rural-case-2026!", is_staff=True)
    reviewer = User.objects.create_user("shenhe", password="Rural-case-2026!", is_staff=True)
    case = Case.objects.published().order_by("pk").first()
    case.title += "（修订）"
    case._history_user = editor
    case.save()
    case.tags.add("编辑新增")
    draft = Case.objects.filter(status="draft", quality_flags__icontains="region-unknown").first()
    draft.set_place(Region.objects.get(code="110116"))
    draft._history_user = editor
    draft.save()
    workflow.move(draft, "published", reviewer)  # published, or refused for another blocking flag
    gone = Case.objects.published().order_by("-pk").first()
    gone._history_user = reviewer
    gone.delete()
    return case


def test_backup_restore_round_trip_is_lossless(edited_library, tmp_path):
    first = backup_text()
    document = json.loads(first)
    assert document["format"] == "rural-case-library-backup" and document["version"] == 2
    assert document["counts"]["cases.case"] == Case.objects.count() == 57
    assert document["counts"]["cases.historicalcase"] == Case.history.count() > 58
    assert document["counts"]["cases.historicalcase_themes"] > document["counts"]["cases.historicalcase"]
    assert document["counts"]["cases.historicalcasekeyword"] > document["counts"]["cases.historicalcase"]
    cases_before = {
        c.pk: (c.title, c.version, sorted(c.tags.names()), list(c.themes.all())) for c in Case.objects.all()
    }

    path = tmp_path / "library.json"
    path.write_text(first, encoding="utf-8")
    empty_library()
    assert not Case.objects.exists() and not Case.history.exists()
    call_command("restore", str(path), stdout=io.StringIO())

    second = comparable(backup_text())
    expected = comparable(first)
    for label in expected["objects"]:
        assert second["objects"][label] == expected["objects"][label], (label, differences(second, expected, label))
    assert second == expected  # the same library, object for object
    cases_after = {c.pk: (c.title, c.version, sorted(c.tags.names()), list(c.themes.all())) for c in Case.objects.all()}
    assert cases_after == cases_before
    record = Case.history.filter(id=edited_library.pk).order_by("-history_id").first()
    assert record.history_user.username == "bianji" and "编辑新增" in history.keywords(record)
    assert history.themes(record) == [t.pk for t in edited_library.themes.order_by("position", "pk")]
    deleted = Case.history.filter(history_type="-").get()
    assert deleted.history_user.username == "shenhe"
    assert get_user_model().objects.get(username="bianji").check_password("Rural-case-2026!")
    # New rows get new ids after a restore (the sequences moved on).
    new = Case.objects.create(slug="after-restore", title="恢复后新建")
    assert new.pk > max(cases_before)


def test_timestamps_keep_their_microseconds(seeded):
    """Django's JSON cuts times to milliseconds; a backup must give back the very same instants."""
    case = Case.objects.order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(updated=case.updated.replace(microsecond=500))
    record = Case.history.filter(id=case.pk).first()
    Case.history.filter(pk=record.pk).update(history_date=record.history_date.replace(microsecond=999_999))
    text = backup_text()
    empty_library()
    load(io.StringIO(text))
    assert Case.objects.get(pk=case.pk).updated.microsecond == 500
    assert Case.history.get(pk=record.pk).history_date.microsecond == 999_999


def test_a_backup_without_accounts_keeps_who_changed_what(edited_library):
    text = backup_text(include_users=False)
    assert '"auth.user"' not in text
    empty_library()
    load(io.StringIO(text))
    placeholder = get_user_model().objects.get(username="bianji")
    assert not placeholder.is_active and not placeholder.has_usable_password()
    assert Case.history.filter(history_user=placeholder).exists()


def test_restore_refuses_a_library_that_is_not_empty_and_foreign_files(seeded, tmp_path):
    text = backup_text()
    with pytest.raises(BackupError, match="empty library"):
        load(io.StringIO(text))
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown format"):
        call_command("restore", str(path))
    path.write_text(json.dumps({"format": "rural-case-library-backup", "version": 99}), encoding="utf-8")
    with pytest.raises(CommandError, match="version 99"):
        call_command("restore", str(path))


def test_the_backup_command_writes_atomically(seeded, tmp_path):
    target = tmp_path / "b.json"
    call_command("backup", "--output", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8"))["counts"]["cases.case"] == Case.objects.count()
    assert not (tmp_path / "b.json.partial").exists()
