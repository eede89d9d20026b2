"""Property-based requests generated from the OpenAPI schema (schemathesis), sent to the app with a token.

For every operation, the schema's boundary cases (schemathesis' coverage phase) and a few generated ones,
valid and invalid: no 5xx, and each answer's status, content type, headers and body conform to the schema
(errors included: luoshi.api.schema documents them). Run as the office, which sees every object and may
use every write; what other accounts see is the permission matrix's business (test_permissions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import World

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
# Left out: "schema-valid requests are accepted". Ids in bodies and filters must name objects that exist and
# that the account may see (a plan id the account cannot see is "not a valid choice", 400, like on the
# pages); a schema cannot say which integers those are. Every other check runs, negative data included.


@pytest.fixture
def token_header(api_world: World) -> dict[str, str]:
    return {"Authorization": f"Token {api_world.tokens['supervisor']}"}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    # Like Django's test client: the test's transaction must survive the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The schema as served at /api/v1/schema/ (generated without a request: it is the same for every account).
# schemathesis.pytest.from_fixture would load it over HTTP, but it breaks on pytest 9 (request.node._nodeid).
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()  # what from_wsgi does after loading


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_it_conforms_to_its_schema(case: Any, token_header: dict[str, str]) -> None:
    case.call_and_validate(headers=token_header, excluded_checks=[positive_data_acceptance])
