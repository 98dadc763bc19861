"""Exit 0 when the PostgreSQL server of a database URL answers, 1 otherwise."""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as error:  # noqa: BLE001 - any failure means "not available"
    print(f"pg_ready: {error}".strip(), file=sys.stderr)
    sys.exit(1)
