"""The shape of the code that a newcomer relies on: modules that do not import each other in a
circle, and a case's save that keeps to its own row."""

import ast
import re
from pathlib import Path
from unittest import mock

from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.factories import CaseFactory

CASES = Path(__file__).resolve().parent.parent / "cases"


def module_imports() -> dict[str, set[str]]:
    """Each module of cases/ (migrations aside) and the modules of cases/ it imports, when it is loaded
    or later inside a function (an import deferred to dodge a circle is still a circle)."""
    names = {}
    for path in CASES.rglob("*.py"):
        if "migrations" not in path.parts:
            parts = path.relative_to(CASES.parent).with_suffix("").parts
            names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in names and t != name)
    return graph


def test_no_module_of_cases_imports_itself_through_others():
    graph = module_imports()
    assert {"cases.views", "cases.models", "cases.pagecache", "cases.public"} <= graph.keys()
    assert "cases.public" in graph["cases.pagecache"]  # the walk sees relative imports
    assert "cases.models" in graph["cases.routers"]  # and those inside a function

    def cycle_from(start, node, path):
        for target in sorted(graph[node]):
            if target == start:
                return [*path, target]
            if target not in path and (found := cycle_from(start, target, [*path, target])):
                return found
        return None

    assert [found for name in sorted(graph) if (found := cycle_from(name, name, [name]))] == []


WRITTEN = re.compile(r'^(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
READ = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def test_saving_a_case_writes_its_own_row_only(db):
    case = CaseFactory(quality_flags=["theme-unknown", "year-conflict"])  # flags an edit re-checks
    case.title = "依托互助食堂完善农村养老服务"
    # The receivers (the public version, the history) are other modules' concern: save() alone.
    with (
        mock.patch.object(signals.pre_save, "receivers", []),
        mock.patch.object(signals.post_save, "receivers", []),
        mock.patch.object(signals.pre_save, "sender_receivers_cache", {}),
        mock.patch.object(signals.post_save, "sender_receivers_cache", {}),
        CaptureQueriesContext(connection) as queries,
    ):
        case.save(expected_version=case.version)
    statements = [query["sql"] for query in queries.captured_queries]
    assert {table for sql in statements for table in WRITTEN.findall(sql)} == {"cases_case"}
    # Read: its own row (the version it replaces) and, for the personal-data flag, its keywords.
    assert {table for sql in statements for table in READ.findall(sql)} == {
        "cases_case",
        "cases_casekeyword",
        "taggit_tag",
    }
    assert case.version == 2 and Case.objects.get(pk=case.pk).title == "依托互助食堂完善农村养老服务"
