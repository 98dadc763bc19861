"""The editors' two roles.  Both groups are created by a data migration and
kept in step by ``create_editor``; the permissions are the only source of
truth for what each role may do in the admin."""

from __future__ import annotations

EDITOR = "编辑"
REVIEWER = "审核"

_EDITOR_PERMISSIONS = [
    ("cases", "case", ["add", "change", "view"]),
    ("cases", "historicalcase", ["view"]),
    ("cases", "source", ["add", "change", "view"]),
    ("cases", "region", ["view"]),
    ("cases", "theme", ["view"]),
    ("taggit", "tag", ["add", "change", "view"]),
    ("cases", "keyword", ["add", "change", "view"]),
    # Confirming, correcting and deleting a case's key figures is editing its content.
    ("cases", "keyfigure", ["add", "change", "delete", "view"]),
    ("cases", "historicalkeyfigure", ["view"]),
    ("cases", "synonym", ["add", "change", "view"]),  # the search's related terms (issue 16)
]
_REVIEWER_EXTRA = [
    ("cases", "case", ["delete", "publish"]),
    ("taggit", "tag", ["delete"]),
    ("cases", "keyword", ["delete"]),
    ("cases", "synonym", ["delete"]),
]


def _codenames(spec) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for app, model, actions in spec for action in actions]


ROLES = {
    EDITOR: _codenames(_EDITOR_PERMISSIONS),
    REVIEWER: _codenames(_EDITOR_PERMISSIONS + _REVIEWER_EXTRA),
}


def sync_roles(apps=None) -> dict[str, int]:
    """Create both groups with exactly their permissions (idempotent).
    ``apps``: the historical app registry inside a migration."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    registry = apps or global_apps
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for config in global_apps.get_app_configs():
        create_permissions(config, apps=registry, verbosity=0)
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    counts = {}
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.filter(content_type__app_label=app, codename=code).first() for app, code in codenames
        ]
        if apps is None:
            assert None not in perms, "a permission of cases/roles.py does not exist"
        # Inside an old migration, models added later have no permission yet: after migrate, they do.
        perms = [p for p in perms if p is not None]
        group.permissions.set(perms)
        counts[name] = len(perms)
    return counts
