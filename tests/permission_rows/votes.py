"""People's choice (issue 6, part B). In the world no voting window is set (voting is
closed) and the results are not published. "participant" has a confirmed seat: a vote is
refused by the service with a message (redirect 303); the roles without a seat get 403.
An empty window form clears the window (valid: saved, 303); unpublishing results that are
not published is refused with a message (303)."""
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}

ROWS = [
    ("votes.cast", "POST", {"anonymous": 302, "participant": 303, "admin": 303}, 403),
    ("votes.manage", "GET", ORGANISERS, 403),
    ("votes.manage", "POST", ORGANISERS_POST, 403),
    ("votes.publish", "POST", ORGANISERS_POST, 403),
    ("votes.unpublish", "POST", ORGANISERS_POST, 403),
    ("votes.export_csv", "GET", ORGANISERS, 403),
    # Not published yet: organisers (and admins) only.
    ("votes.results", "GET", ORGANISERS, 403),
]
