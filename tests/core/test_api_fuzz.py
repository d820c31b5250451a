"""schemathesis over every GET endpoint of the OpenAPI schema: no 5xx, responses conform to the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from edudx.wsgi import application
from people import services as people_services

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(method="GET")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The real WSGI handler closes database connections after each request; the test's transaction needs it
    (django.test.Client disconnects the same signals)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def department_token(province) -> str:
    _token, key = people_services.create_api_token(org_unit=province.department, name="Kiểm thử lược đồ")
    return key


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_get_endpoints_never_answer_5xx_and_match_the_schema(case, department_token):
    # 4xx codes are not all listed in the schema yet (ST103): the promise checked here is no 5xx and bodies that
    # match the schema.
    case.call_and_validate(
        headers={"Authorization": f"Token {department_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
