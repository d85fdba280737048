"""Evaluation rounds of a trial (issue 7, part H).

In the world, "owner" runs a running trial of the public camp (the camp's organiser
helps); it has two parties, the owner's organisation (contact "owner") and a citizen group
(party_id, contact "participant"), and an open round (round_id) without answers. Rounds and
results are as open as the trial. Opening a round (an empty POST gets the form back with
its errors, 200) and closing one are for the trial's managers. The citizen group's answer
form is for its contact (and admins): an empty POST gets the form back with its errors.
"""
MANAGERS_FORM = {"anonymous": 302, "owner": 200, "organiser": 200, "admin": 200}
MANAGERS_DONE = {"anonymous": 302, "owner": 303, "organiser": 303, "admin": 303}
CITIZEN_CONTACT = {"anonymous": 302, "participant": 200, "admin": 200}

ROWS = [
    ("trial_evaluation.rounds", "GET", {}, 200),
    ("trial_evaluation.rounds", "POST", MANAGERS_FORM, 403),
    ("trial_evaluation.close", "POST", MANAGERS_DONE, 403),
    ("trial_evaluation.answer", "GET", CITIZEN_CONTACT, 403),
    ("trial_evaluation.answer", "POST", CITIZEN_CONTACT, 403),
    ("trial_evaluation.results", "GET", {}, 200),
]
