"""Schemathesis against the generated OpenAPI document (issue 9).

Every operation in /api/v1/openapi.json gets requests generated from its schema (path
parameters, query strings, JSON bodies), sent through the WSGI app with a paired device's
token (check-in) or an organiser's API token (the read API), half of them to the real
camp and its real challenge, team, prototype, trial and charter. Checks: no server error,
and every answer matches the schema the document gives for its status (ScanOut,
AttendeesOut, the read API's pages and objects, the error shape).
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camp.extensions import db
from tests.factories import make_camp, make_challenge, make_prototype, make_registration, \
    make_team, make_user

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

EXAMPLES = 30
# The read API's operations are many and alike (a page query, path ids): fewer each.
READ_EXAMPLES = 10
CHECKIN_PATHS = ("/scans", "/attendees")
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_world(app):
    """The camp with a device token, and an API token of its organiser; a challenge, a
    team with a prototype, a trial and a charter of the camp, for the read API's ids."""
    from camp.api.tokens import create_token
    from camp.charters.models import Charter, Clause, Section
    from camp.checkin.devices import create_device
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser)
    make_registration(camp)
    _device, token = create_device(organiser, camp, "Door", 12)
    _api_token, api_token = create_token(organiser, "schemathesis", 1)
    challenge = make_challenge(camp, organiser)
    team = make_team(camp, challenge, lead=make_user())
    prototype = make_prototype(team)
    from camp.trials.models import Party, Trial, TrialPrototype
    trial = Trial(camp_id=camp.id, challenge_id=challenge.id, title="Afprøvning")
    charter = Charter(slug="charter", camp_id=camp.id, title="Charter")
    section = Section(charter=charter, position=1, title="Principper")
    db.session.add_all([trial, charter, section])
    db.session.flush()
    db.session.add_all([TrialPrototype(trial_id=trial.id, prototype_id=prototype.id),
                        Party(trial_id=trial.id, organisation="Kommunen"),
                        Clause(charter_id=charter.id, section_id=section.id, text="Ligeværd.")])
    db.session.commit()
    real = {"slug": camp.slug, "challenge_id": challenge.id, "team_id": team.id,
            "prototype_id": prototype.id, "trial_id": trial.id,
            "charter_slug": charter.slug}
    return real, token, api_token


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
    real, token, api_token = api_world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = {}
    for operation in _operations(schema):
        seen = checked.setdefault(f"{operation.method.upper()} {operation.path}", {})
        checkin = operation.path.endswith(CHECKIN_PATHS)
        headers = {"Authorization": f"Bearer {token if checkin else api_token}"}
        # Requests that fit the schema, and (fewer) that break it on purpose.
        cases = st.one_of(operation.as_strategy(),
                          operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES if checkin else READ_EXAMPLES, deadline=None,
                  database=None, suppress_health_check=list(HealthCheck))
        @given(case=cases, real_camp=st.booleans())
        def check(case, real_camp):
            if real_camp:
                for name, value in real.items():
                    if name in (case.path_parameters or {}):
                        case.path_parameters[name] = value
            response = case.call(headers=headers)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS)
        check()
        if not checkin:  # and once, for sure, the real objects with no query at all
            names = {p.name for p in operation.iter_parameters() if p.location == "path"}
            case = operation.Case(path_parameters={n: real[n] for n in names})
            response = case.call(headers=headers)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS)
    # The real objects were reached: answers beyond "no such camp" on every operation
    # that names one, and a page or an object (200) from every read operation.
    assert all(set(s) - {404} for s in checked.values()), checked
    read = {op: s for op, s in checked.items() if not op.endswith(CHECKIN_PATHS)}
    assert len(read) >= 13 and all(200 in s for s in read.values()), read
