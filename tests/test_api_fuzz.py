"""The API never answers 5xx, whatever its schema allows a client to send (schemathesis)."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from cases.models import Case, KeyFigure

from .factories import CaseFactory, KeyFigureFactory, SourceFactory

DRAFT = Case.Status.DRAFT


def test_the_api_never_fails_on_any_input_its_schema_allows(seeded):
    """Schemathesis generates requests from the live OpenAPI document; none may answer 5xx, over the
    seed library (real long texts, figures with ranges and baselines, flags) and a case of each kind
    of value a filter reads."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from portal.wsgi import application

    a_source = SourceFactory(title="测试简报", year=2021)
    CaseFactory(place="511803", terrain="mountain", tags=["暖心食堂", "互助养老"], source=a_source, year=2021)
    CaseFactory(place="150207", doc_type=Case.DocType.NEWS, source=a_source, year=None)
    KeyFigureFactory(case=CaseFactory(place="330523"), kind=KeyFigure.Kind.INVESTMENT, value=3000000, unit="元")
    CaseFactory(province=None, region_label="全国", themes=[])
    CaseFactory(place="110116", status=DRAFT)
    # As Django's test client does: keep the test's database connection (and
    # its transaction) open across the WSGI requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        tried = _exercise(schemathesis.openapi.from_wsgi("/api/schema/?format=json", application))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert len(tried) == 8  # every operation of the schema was exercised


def _exercise(schema) -> list[str]:
    from hypothesis import given

    tried = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(checks=[not_a_server_error], headers={"Host": "localhost"})

        check()
        tried.append(operation.label)
    return tried
