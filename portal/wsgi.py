import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Load search's jieba dictionary now, in gunicorn's master with --preload (gunicorn.conf.py), not in
# each worker's first search (about a second and 75 MB each, in every worker).  Only search's own
# tokenizer: jieba's default one is for the ingestion modules, which load it when they first run.
from cases import text  # noqa: E402
from cases.ingest import chinese  # noqa: E402

text.tokenizer().initialize()
chinese.phrases()  # pinyin's table of phrases (2 MB), for English place names and pinyin search


def _prepare() -> None:
    """Compile the portal's templates and load both languages' catalogs once, in the master,
    so that no worker's first readers wait for it (the database is not touched here)."""
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import reverse
    from django.utils import translation

    root = Path(settings.BASE_DIR) / "templates"
    names = [str(p.relative_to(root)) for p in root.rglob("*.html") if not p.relative_to(root).parts[0] == "admin"]
    names += [f"django/forms/{name}.html" for name in ("div", "field", "label", "errors/list/ul")]
    names += [f"django/forms/widgets/{name}.html" for name in ("input", "text", "number", "attrs")]
    for name in names:
        get_template(name)
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            reverse("home")
            translation.gettext("乡村公共服务案例库")


_prepare()

# What the master loaded stays out of the garbage collector's passes, which would otherwise
# write to (and so copy) every page of it in each worker.
import gc  # noqa: E402

gc.freeze()
