"""Issue 9, part I: privacy notice, accessibility statement, consent log, audit log."""
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}

ROWS = [
    ("privacy.policy", "GET", {}, 200),
    ("privacy.accessibility", "GET", {}, 200),
    ("privacy.consents", "GET", ORGANISERS, 403),
    ("privacy.consents_csv", "GET", ORGANISERS, 403),
    ("privacy.audit", "GET", ORGANISERS, 403),
    ("privacy.audit_csv", "GET", ORGANISERS, 403),
]
