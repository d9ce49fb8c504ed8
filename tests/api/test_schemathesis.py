"""schemathesis against the OpenAPI document: for every operation, requests generated
from the document (valid and invalid) go through the WSGI application with a token of a
counsellor who holds every scope. No answer may be a server error, and every answer must
match what the document says (status code, content type, headers, body schema)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


def load_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def connection_kept():
    """The WSGI handler closes the database connection after each request; the test's
    transaction must survive it (as Django's own test client arranges)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_as_its_schema_says(world, connection_kept):
    headers = {"Authorization": f"Bearer {token_for(world.counsellor_a)}"}
    schema = load_schema()
    operations = cases = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        cases += exercise(operation, headers, failures)
    print(f"\nschemathesis: {operations} operations, {cases} cases, {len(failures)} failures")
    assert operations >= 14 and cases > operations * 10
    assert failures == [], "\n".join(failures[:10])


def exercise(operation, headers, failures):
    """Run the generated cases of one operation; collect what fails, count the cases."""
    count = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        nonlocal count
        count += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # collected, shown by the test
            failures.append(f"{operation.label}: {str(error)[:400]}")

    run()
    return count
