"""Owner feedback on prototypes (issue 6, feedback).

In the world, "participant" leads the team whose prototype (prototype_id) is submitted on
the challenge owned by "owner"; "owner" has just commented on it (feedback_id). The camp is
published, so everyone may read the thread. A bodiless POST is a new owner comment: the
owner gets the form back with its error (200); the others may not comment (403; team
members answer through a form naming the comment, tested in tests/test_feedback.py).
The comment is under 15 minutes old: its author deletes it (303); nobody else may.
"""
OWNER_ONLY = {"anonymous": 302, "owner": 200, "admin": 200}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}

ROWS = [
    ("feedback.thread", "GET", {}, 200),
    ("feedback.thread", "POST", OWNER_ONLY, 403),
    ("feedback.delete", "POST", {"anonymous": 302, "owner": 303}, 403),
    ("feedback.mine", "GET", {"anonymous": 302}, 200),
    ("feedback.manage", "GET", ORGANISERS, 403),
    ("feedback.manage_csv", "GET", ORGANISERS, 403),
]
