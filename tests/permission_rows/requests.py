"""Questions and resource requests from teams to challenge owners (issue 5, part D).

In the world, "participant" leads a team on the challenge owned by "owner"; the team has
an open request (request_id). Bodiless POSTs that get through re-render the form (200).
"""
TEAM = {"anonymous": 302, "participant": 200, "organiser": 200, "admin": 200}
OWNER_OR_ORGANISER = {"anonymous": 302, "owner": 200, "organiser": 200, "admin": 200}
# request.answer as written: the challenge's owners only (organisers watch, not answer).
OWNER_ONLY = {"anonymous": 302, "owner": 200, "admin": 200}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}

ROWS = [
    ("requests.team_requests", "GET", TEAM, 403),
    ("requests.team_requests", "POST", TEAM, 403),
    ("requests.challenge_requests", "GET", OWNER_OR_ORGANISER, 403),
    ("requests.answer", "POST", OWNER_ONLY, 403),
    ("requests.decline", "POST", OWNER_ONLY, 403),
    ("requests.inbox", "GET", {"anonymous": 302}, 200),
    ("requests.manage", "GET", ORGANISERS, 403),
    ("requests.manage_csv", "GET", ORGANISERS, 403),
]
