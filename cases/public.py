"""The one public version: every change to what the public pages show bumps it.

Any save, delete or change of relations of a model of this app or of taggit
(cases, themes, regions, sources, keywords, and whatever model is added later)
bumps ``LibraryState.version`` in the transaction of the change, except the
saves of cases that neither were nor are published.  There are no lists of
fields: a new field, filter or model cannot leave a page stale, and the page
cache (cases/pagecache.py) keys every page on this one version.
"""

from __future__ import annotations

from typing import NamedTuple

from django.apps import apps
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from simple_history.models import HistoricalChanges

from .models import LibraryState

PUBLIC_APPS = ("cases", "taggit")
PUBLISHED = "published"
LINKS: set = set()  # filled by connect()


class State(NamedTuple):
    epoch: str
    version: int
    changed: object  # datetime | None


def state() -> State:
    row = LibraryState.objects.filter(pk=1).values_list("epoch", "version", "changed").first()
    return State(str(row[0]), row[1], row[2]) if row else State("", 0, None)


def bump() -> None:
    if not LibraryState.objects.filter(pk=1).update(version=F("version") + 1, changed=timezone.now()):
        LibraryState.objects.get_or_create(pk=1, defaults={"version": 1})


def _links() -> set:
    """The models that link rows of a many-to-many relation (themes, keywords): their
    m2m_changed tells what changed, for the case they belong to."""
    return {
        field.remote_field.through
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.many_to_many and not field.auto_created and getattr(field.remote_field, "through", None)
    }


def _watched(sender) -> bool:
    """A model of the public apps as the running code has it (not a migration's copy), but
    not the version itself, history records, or links."""
    meta = sender._meta
    return (
        meta.app_label in PUBLIC_APPS
        and apps.get_registered_model(meta.app_label, meta.model_name) is sender
        and sender is not LibraryState
        and not (issubclass(sender, HistoricalChanges) or meta.model_name.startswith("historical"))
        and sender not in LINKS
        and getattr(sender, "versioned", True)  # bookkeeping of downloads (Release, ExportSlot) is not public data
    )


def _public(instance) -> bool:
    """A row without a status (a theme, a region, a keyword) is public."""
    return getattr(instance, "status", PUBLISHED) == PUBLISHED or getattr(instance, "_was_public", False)


def _before_save(sender, instance, **kwargs):
    if hasattr(instance, "status") and instance.pk and _watched(sender):
        instance._was_public = sender._default_manager.filter(pk=instance.pk, status=PUBLISHED).exists()


def _changed(sender, instance, **kwargs):
    if _watched(sender) and _public(instance):
        bump()
        instance._was_public = False


def _relations_changed(sender, instance, action, pk_set=None, **kwargs):
    # A form saving the same themes and keywords again adds none: nothing changed.
    if action in ("post_add", "post_remove") and not pk_set or not action.startswith("post_"):
        return
    if sender._meta.app_label in PUBLIC_APPS and _public(instance):
        bump()


def connect() -> None:
    """Called once, by CasesConfig.ready()."""
    LINKS.update(_links())
    pre_save.connect(_before_save, dispatch_uid="public-before-save")
    post_save.connect(_changed, dispatch_uid="public-saved")
    post_delete.connect(_changed, dispatch_uid="public-deleted")
    m2m_changed.connect(_relations_changed, dispatch_uid="public-relations")
