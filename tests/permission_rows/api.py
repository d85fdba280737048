# The API answers JSON. Without a device token or a session with X-CSRFToken: 401 or 400.
SESSION_NO_CSRF = {r: 400 for r in ("participant", "staff", "jury", "owner", "organiser",
                                    "other_organiser", "admin")}
ROWS = [
    ("api-docs.openapi_json", "GET", {}, 200),
    # A body-less POST fails validation (422) before authorisation is even looked at.
    ("api_checkin.record_scan", "POST", {}, 422),
    ("api_checkin.attendees", "GET", dict(SESSION_NO_CSRF, anonymous=401), 400),
]
