"""Schemathesis against the generated OpenAPI document (issue 9).

Every operation in /api/v1/openapi.json gets requests generated from its schema (path
parameters, query strings, JSON bodies), sent through the WSGI app with a paired device's
token, half of them to the real camp. Checks: no server error, and every answer matches
the schema the document gives for its status (ScanOut, AttendeesOut, the error shape).
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camp.extensions import db
from tests.factories import make_camp, make_registration, make_user

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

EXAMPLES = 30
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_world(app):
    from camp.checkin.devices import create_device
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    make_registration(camp)
    _device, token = create_device(organiser, camp, "Door", 12)
    db.session.commit()
    return camp, token


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document has no operations"
    return operations


def test_openapi_document_is_valid(client):
    res = client.get("/api/v1/openapi.json")
    assert res.status_code == 200
    doc = res.get_json()
    assert doc["openapi"].startswith("3.") and doc["paths"]


@pytest.mark.slow
def test_schemathesis_no_server_errors_and_conforming_answers(app, api_world):
    camp, token = api_world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = {}
    for operation in _operations(schema):
        seen = checked.setdefault(f"{operation.method.upper()} {operation.path}", {})
        # Requests that fit the schema, and (fewer) that break it on purpose.
        cases = st.one_of(operation.as_strategy(),
                          operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=cases, real_camp=st.booleans())
        def check(case, real_camp):
            if real_camp and "slug" in (case.path_parameters or {}):
                case.path_parameters["slug"] = camp.slug
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS)
        check()
    # The real camp was reached: answers beyond "no such camp".
    assert any(set(s) - {404} for s in checked.values()), checked
