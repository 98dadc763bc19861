"""Settings for the case library, all from the environment.

SQLite in the project root is the embedded default; set DATABASE_URL for
PostgreSQL.  A development SECRET_KEY exists only when DEBUG is on.
"""

import hashlib
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {value!r}")


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
_hosts = os.environ.get("ALLOWED_HOSTS") or ("localhost,127.0.0.1,[::1]" if DEBUG else "")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")

# Production behind a TLS-terminating proxy: secure cookies, HSTS, redirect to HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Secure cookies in production; SECURE_COOKIES=false only for plain-HTTP loopback tests (bench/load.py).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",  # its widget templates, found by the TemplatesSetting renderer below
    "taggit",
    "simple_history",
    "axes",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "cases.middleware.reject_bad_requests",
    # Whether this request reads from a replica: anonymous GETs do (cases/routers.py).
    "cases.routers.anonymous_reads_from_replica",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cases.middleware.language_from_path",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous GETs of public pages, whole, under the public version (inside the ETag/304 above).
    "cases.pagecache.page_cache",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Form widgets are drawn with the project's templates, so that templates/includes/widgets/ serve them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# The admin's address; set ADMIN_URL to something less guessable in production.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Brute force on the admin login (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# account from one address, that pair is locked out for AXES_COOLOFF_HOURS (429 and a page saying so).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind the reverse proxy the client's address is the last one it appended (see the Deployment section).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# A pasted 10 MB document and its preview form (cases.middleware refuses anything above 25 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        # A persistent connection is checked before each request reuses it, so that the site
        # recovers by itself when the database comes back after an outage.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The data fit in memory: random reads cost little more than sequential ones, so that full-text
    # matches use the GIN index (at the default 4, common words got sequential scans of ~1 s).
    # JIT compilation costs more than it saves on this portal's short queries.  Parallel workers
    # are processes started for one query: they lower one query's latency on an idle server
    # and waste CPU on a busy one, where every core already serves a request.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "DATABASE_OPTIONS", "-c random_page_cost=1.1 -c jit=off -c max_parallel_workers_per_gather=0"
    )

# Read replicas: DATABASE_REPLICA_URLS, comma-separated, one or more streaming replicas of the
# primary.  Anonymous visitors' reads go to one of them, everything else to the primary
# (cases/routers.py says which and why).  Each replica has the primary's session settings.
DATABASE_REPLICA_URLS = [url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()]
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
    if not DATABASES[f"replica{_number}"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS must be PostgreSQL addresses, not {_url!r}")
DATABASE_ROUTERS = ["cases.routers.ReplicaRouter"] if DATABASE_REPLICA_URLS else []

# Whole public pages are cached (cases/pagecache.py).  CACHE_URL=redis://host:6379/0 shares one
# cache among all workers and app servers (each process otherwise keeps its own); every key holds
# the public version kept in the database, so no server ever reads a stale page.
CACHE_URL = os.environ.get("CACHE_URL", "")


def _release() -> str:
    """A digest of the code, templates, catalogs and static manifest: cached HTML belongs to the
    release that drew it, so a deployment never serves pages drawn by the previous one."""
    digest = hashlib.sha1()
    patterns = ("cases/**/*.py", "portal/*.py", "templates/**/*.html", "locale/**/*.mo", "staticfiles/staticfiles.json")
    for path in sorted(p for pattern in patterns for p in BASE_DIR.glob(pattern)):
        digest.update(str(path.relative_to(BASE_DIR)).encode() + path.read_bytes())
    return digest.hexdigest()[:10]


CACHE_PREFIX = f"{os.environ.get('CACHE_PREFIX', 'rural')}:{_release()}"
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_PREFIX,
            "TIMEOUT": 24 * 3600,
            # A cache that does not answer costs a reader a quarter of a second at most, once:
            # the page cache then leaves it alone for a few seconds (cases/pagecache.py).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {CACHE_URL!r}")
else:
    # Each process's own memory, room for a few thousand pages.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_ENTRIES", "5000"))},
        }
    }

# Errors with their tracebacks on stderr, where gunicorn and systemd collect them: Django's own
# default shows them only while DEBUG is on (and mails them to ADMINS, which this site has none of).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Server errors and suspicious requests; a 404 or a bad parameter is the access log's business.
        "django": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "ERROR"), "propagate": False},
        # runserver's request lines (a logger below "django", which this configuration would otherwise reset).
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise like static files.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed, long-cached names where collectstatic has run (production).
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Data releases (cases/release.py) are written through this storage: files on disk by default
# (RELEASES_DIR), or any Django storage by configuration, e.g. S3-compatible object storage with
# django-storages: RELEASES_STORAGE=storages.backends.s3.S3Storage and RELEASES_STORAGE_OPTIONS='{"bucket_name": …}'.
RELEASES_DIR = Path(os.environ.get("RELEASES_DIR", BASE_DIR / "releases"))
STORAGES["releases"] = {
    "BACKEND": os.environ.get("RELEASES_STORAGE", "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": json.loads(os.environ.get("RELEASES_STORAGE_OPTIONS", "") or "null") or {"location": str(RELEASES_DIR)},
}
RELEASES_KEEP = int(os.environ.get("RELEASES_KEEP", "10"))  # the newest N releases stay; older ones are deleted

# Downloads (cases/limits.py): the whole library is the latest data release's file (unless
# EXPORT_FROM_RELEASE=false); other lists are built on the fly, up to a largest list per format
# (None: any size; EXPORT_LIMITS='{"csv": 50000}' changes some), a few at once across every
# worker, for EXPORT_SECONDS at most; each is built whole before it is sent.
EXPORT_FROM_RELEASE = os.environ.get("EXPORT_FROM_RELEASE", "true").lower() not in ("0", "false", "no")
# CSV and JSON have no largest list: their rows cost little (100,000 in about 20 s on two quiet cores), and
# EXPORT_SECONDS bounds what a loaded machine cannot finish (cases/limits.py).
EXPORT_LIMITS = {"docx": 500, "xlsx": 20_000, "cite": 2_000, "csv": None, "json": None}
EXPORT_LIMITS.update(json.loads(os.environ.get("EXPORT_LIMITS", "") or "{}"))
# One build per two cores: a build keeps about one core busy (its rows in Python, then PostgreSQL reading
# the texts), and two at once on two cores left readers queued for seconds (bench/README.md, exports).
# The slots are shared by every server on the database: with several, set it for the whole site.
EXPORT_SLOTS = int(os.environ.get("EXPORT_SLOTS") or max(1, (os.cpu_count() or 2) // 2))
# A list of at most this many cases costs about a page: built without a slot (formats not named: always one).
EXPORT_SMALL = {"csv": 1_000, "json": 1_000, "cite": 1_000}
EXPORT_SMALL.update(json.loads(os.environ.get("EXPORT_SMALL", "") or "{}"))
EXPORT_SECONDS = int(os.environ.get("EXPORT_SECONDS", "60"))
EXPORT_RETRY_AFTER = int(os.environ.get("EXPORT_RETRY_AFTER", "10"))
# Release files sent at once by the workers (sendfile: little CPU, but a worker each while sending),
# and how long a sending may hold its slot.  Where a proxy or object storage serves them, raise it.
FILE_SLOTS = int(os.environ.get("FILE_SLOTS", "2"))
FILE_SECONDS = int(os.environ.get("FILE_SECONDS", "600"))
# Or the web server in front sends release files itself (no worker held, no slot): nginx with
# RELEASE_ACCEL_REDIRECT=/protected/releases/ (an `internal` location aliased to RELEASES_DIR, see the
# README's deployment section), Apache or lighttpd with RELEASE_X_SENDFILE=true.  Unset: sent by the workers.
RELEASE_ACCEL_REDIRECT = os.environ.get("RELEASE_ACCEL_REDIRECT", "")
RELEASE_X_SENDFILE = os.environ.get("RELEASE_X_SENDFILE", "").lower() in ("1", "true", "yes")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TAGGIT_CASE_INSENSITIVE = True

# Where the ingestion pipeline finds the gazetteer and the seed documents.
REGIONS_FIXTURE = BASE_DIR / "fixtures" / "regions.json"
SEED_SOURCES = BASE_DIR / "fixtures" / "sources"
PORTAL_VERSION = "0.1.0"

# The read-only open API: anyone may read it, from any origin.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "cases.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "乡村公共服务案例库 API",
    "DESCRIPTION": "Read-only API of the Rural Public-Service Case Library: published cases only, "
    "with the same filters, sort and pages as the list at /cases/.",
    "VERSION": PORTAL_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Only the portal's own files: the vendored map and charts load, nothing external does.
# Styles allow inline attributes because echarts draws SVG with style attributes.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
