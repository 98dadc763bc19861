from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    """After every migrate the editors' groups have exactly the permissions of cases/roles.py,
    including those of models added since the groups were made."""
    from .roles import sync_roles

    sync_roles()


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "案例库"

    def ready(self):
        from . import public

        post_migrate.connect(_sync_roles, sender=self)
        public.connect()
