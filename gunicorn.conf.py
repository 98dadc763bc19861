"""gunicorn settings for production: `gunicorn portal.wsgi` picks this file up from the working directory.

Every value can be overridden from the environment (GUNICORN_CMD_ARGS or the variables below).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind a reverse proxy that terminates TLS
# One request per process, twice the usual number of processes.  A request waits on PostgreSQL
# and Redis about as long as it computes, hence 4 × cores + 1 rather than 2 × cores + 1; and
# threads of one process share its interpreter lock, so a page that waited on the database
# queued again behind a neighbour's export each time it woke (load test with 50 readers:
# lists p95 83 → 66 ms, exports 458 → 290 ms, against 5 workers × 2 threads).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 4 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = True  # jieba, OpenCC and the character model are loaded once, before forking
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # exports of the whole library stream for a while
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn ≥ 25.1 opens a control socket (for gunicornc) at $XDG_RUNTIME_DIR/gunicorn.ctl or
# ~/.gunicorn/gunicorn.ctl: one path shared by every gunicorn of that user on the host, so one
# site's tool could steer another's workers.  Nothing here uses it.
control_socket_disable = True
