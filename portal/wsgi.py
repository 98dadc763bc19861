import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Load jieba's dictionary now, in gunicorn's master with --preload (gunicorn.conf.py), not in
# each worker's first search (about a second each).
import jieba  # noqa: E402

jieba.initialize()
