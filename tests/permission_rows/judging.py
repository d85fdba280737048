"""Judging (issue 6, part A): criteria, jury assignment, scoring and results.

In the world the camp is public and its jury results are not published; role "jury" is
the camp's juror, assigned (assignment_id) to the team's submitted prototype, with no
scores yet; there is one criterion (criterion_id).
"""
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}
# Scores are the juror's own: any other signed-in user (admins too) gets 404 for the id.
JUROR_ONLY = {"anonymous": 302, "jury": 200}

ROWS = [
    ("judging.criteria", "GET", ORGANISERS, 403),
    # A bodiless POST is a new criterion without a name: the form comes back (200).
    ("judging.criteria", "POST", ORGANISERS, 403),
    ("judging.edit_criterion", "GET", ORGANISERS, 403),
    # Flask-WTF reads no form data from a bodiless POST: saved unchanged, redirected.
    ("judging.edit_criterion", "POST", ORGANISERS_POST, 403),
    ("judging.delete_criterion", "POST", ORGANISERS_POST, 403),
    ("judging.move_criterion", "POST", ORGANISERS_POST, 403),
    ("judging.add_presets", "POST", ORGANISERS_POST, 403),
    ("judging.manage", "GET", ORGANISERS, 403),
    # The default of two jurors per prototype: assigned (nobody else is eligible), redirected.
    ("judging.assign", "POST", ORGANISERS_POST, 403),
    # No juror chosen: said so, redirected.
    ("judging.add_assignment", "POST", ORGANISERS_POST, 403),
    ("judging.remove_assignment", "POST", ORGANISERS_POST, 403),
    # The juror's own list; an admin sees an empty one.
    ("judging.panel", "GET", {"anonymous": 302, "jury": 200, "admin": 200}, 403),
    ("judging.score", "GET", JUROR_ONLY, 404),
    # Nothing scored: saved as "not started", redirected to the juror's list.
    ("judging.score", "POST", {"anonymous": 302, "jury": 303}, 404),
    # Unpublished: organisers only.
    ("judging.results", "GET", ORGANISERS, 403),
    ("judging.results_csv", "GET", ORGANISERS, 403),
    ("judging.publish", "POST", ORGANISERS_POST, 403),
    ("judging.unpublish", "POST", ORGANISERS_POST, 403),
]
