"""A complete, versioned backup of the library as one JSON document, and its
restore into an empty database.

What it holds: the editors' accounts and roles, the regions in use (with
their parents), the themes, the sources, the keywords, the cases with every
field (including the importer's memory and the optimistic-locking version),
the key figures of the cases with their history, and the whole history of every case,
deleted ones included.  Objects are
written with Django's serializers (natural keys for users, groups,
permissions and content types), so a restore needs nothing but the schema.
"""

from __future__ import annotations

import datetime
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from taggit.models import Tag

from . import public
from .models import Case, CaseKeyword, KeyFigure, Region, Source, Theme

FORMAT = "rural-case-library-backup"
VERSION = 2  # 2: keywords as case links, and each record's themes and keywords as rows of their own


class BackupError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to
    milliseconds, so a backup would not give back the same timestamps)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _regions_in_use():
    used = set()
    for fields in (
        Case.objects.values_list("province", "prefecture", "county"),
        Case.history.values_list("province", "prefecture", "county"),
    ):
        for row in fields:
            used.update(code for code in row if code)
    parents = set(Region.objects.filter(code__in=used).values_list("parent", flat=True))
    grandparents = set(Region.objects.filter(code__in=parents).values_list("parent", flat=True))
    return Region.objects.filter(code__in=used | parents | grandparents).order_by("code")


def _sections(include_users: bool):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    sections = []
    if include_users:
        sections += [("auth.group", Group.objects.order_by("name")), ("auth.user", User.objects.order_by("pk"))]
    sections += [
        ("cases.region", _regions_in_use()),
        ("cases.theme", Theme.objects.order_by("pk")),
        ("cases.source", Source.objects.order_by("pk")),
        ("taggit.tag", Tag.objects.order_by("pk")),
        ("cases.case", Case.objects.order_by("pk")),
        ("cases.casekeyword", CaseKeyword.objects.order_by("pk")),
        ("cases.historicalcase", Case.history.model.objects.order_by("history_id")),
        ("cases.keyfigure", KeyFigure.objects.order_by("pk")),
        ("cases.historicalkeyfigure", KeyFigure.history.model.objects.order_by("history_id")),
    ]
    # The themes and keywords of each record (simple-history's m2m_fields).
    for field in Case.history.model._history_m2m_fields:
        model = getattr(Case.history.model, field.name).model
        sections.append((model._meta.label_lower, model.objects.order_by("m2m_history_id")))
    return sections


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in ("cases", "taggit", "auth", "contenttypes", "simple_history"):
            latest[app] = max(latest.get(app, ""), name)
    return latest


def dump(stream, include_users: bool = True) -> dict[str, int]:
    """Write the backup to a text stream; the number of objects per model."""
    sections = _sections(include_users)
    counts = {label: queryset.count() for label, queryset in sections}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "created": timezone.now().isoformat(),
        "portal_version": getattr(settings, "PORTAL_VERSION", ""),
        "migrations": _migrations(),
        "counts": counts,
    }
    stream.write(json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "objects": {\n')
    for i, (label, queryset) in enumerate(sections):
        stream.write(f"  {json.dumps(label)}: ")
        serializers.serialize(
            "json",
            queryset.iterator(chunk_size=2000),
            stream=stream,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=label.startswith("auth."),
            ensure_ascii=False,
            cls=ExactJSONEncoder,
        )
        stream.write(",\n" if i + 1 < len(sections) else "\n")
    stream.write(" }\n}\n")
    return counts


def _advance_sequences(models) -> None:
    """Move each sequence past the highest restored id, never backwards (sequences are not
    transactional: a sequence moved back would hand out ids that exist elsewhere)."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest id by itself
    with connection.cursor() as cursor:
        for model in models:
            pk = model._meta.pk
            if pk.get_internal_type() not in ("AutoField", "BigAutoField"):
                continue
            table, column = model._meta.db_table, pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(
                    f'SELECT setval(%s, GREATEST((SELECT COALESCE(MAX("{column}"), 1) FROM "{table}"), '
                    f"(SELECT last_value FROM {sequence})))",
                    [sequence],
                )


def _placeholder_users(objects: dict) -> None:
    """History names its editors; a backup made without accounts gets inactive
    placeholders for them, so that who changed what is not lost."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    names = {
        row["fields"]["history_user"][0]
        for row in objects.get("cases.historicalcase", [])
        if row["fields"].get("history_user")
    }
    names -= {row["fields"]["username"] for row in objects.get("auth.user", [])}
    for name in sorted(names - set(User.objects.filter(username__in=names).values_list("username", flat=True))):
        user = User(username=name, is_active=False)
        user.set_unusable_password()
        user.save()


def load(stream) -> dict[str, int]:
    """Restore a backup into a database that holds no cases (regions, themes
    and groups made by migrations are updated in place)."""
    document = json.load(stream)
    if document.get("format") != FORMAT:
        raise BackupError("not a backup of this portal (unknown format)")
    if document.get("version") != VERSION:
        raise BackupError(f"backup format version {document.get('version')} is not supported (expected {VERSION})")
    if Case.objects.exists() or Case.history.exists() or Source.objects.exists():
        raise BackupError("the database already holds cases or sources: restore only into an empty library")
    counts: dict[str, int] = {}
    restored_models = set()
    with transaction.atomic():
        _placeholder_users(document["objects"])
        for label, objects in document["objects"].items():
            for item in serializers.deserialize("json", json.dumps(objects), handle_forward_references=True):
                item.object.skip_history_when_saving = True  # its themes are restored, not changed
                item.save()
                restored_models.add(type(item.object))
            counts[label] = len(objects)
        # Explicit primary keys leave PostgreSQL's sequences behind: move them past the restored rows.
        _advance_sequences(restored_models)
        # A restored library is a new one for every cache (LibraryState is not in the backup).
        public.bump()
    expected = document.get("counts", {})
    if any(counts.get(k) != v for k, v in expected.items()):
        raise BackupError(f"restored counts {counts} differ from the backup's {expected}")
    return counts
