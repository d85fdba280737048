# The API answers JSON. Without a device token or a session with X-CSRFToken: 401 or 400.
SESSION_NO_CSRF = {r: 400 for r in ("participant", "staff", "jury", "owner", "organiser",
                                    "other_organiser", "admin")}
# The read API: the world's camp is published, its challenge, prototype, trial and charter
# public, so every caller reads them (a session is a caller; who sees drafts is in
# tests/test_api_read.py).
READ = ["api_camps.camps", "api_camps.camp", "api_camps.programme",
        "api_challenges.challenges", "api_challenges.challenge", "api_challenges.teams",
        "api_challenges.team", "api_prototypes.prototypes", "api_prototypes.prototype",
        "api_trials.trials", "api_trials.trial", "api_charters.charters",
        "api_charters.charter"]
# API tokens: organisers (of any camp) and admins create them; a bodiless POST shows the
# form's errors. Revoking names a token of one's own in the form: none here, so 404.
MAY_CREATE = {"anonymous": 302, "organiser": 200, "other_organiser": 200, "admin": 200}
ROWS = [
    ("api-docs.openapi_json", "GET", {}, 200),
    # A body-less POST fails validation (422) before authorisation is even looked at.
    ("api_checkin.record_scan", "POST", {}, 422),
    ("api_checkin.attendees", "GET", dict(SESSION_NO_CSRF, anonymous=401), 400),
    *[(endpoint, "GET", {}, 200) for endpoint in READ],
    ("api_tokens.index", "GET", {"anonymous": 302}, 200),
    ("api_tokens.index", "POST", MAY_CREATE, 403),
    ("api_tokens.revoke", "POST", {"anonymous": 302}, 404),
]
