"""Trials in practice (issue 7, part F): start, trial page, edit, status, contract, parties,
commitments and reviews.

In the world, "owner" took the submitted prototype (prototype_id) into a running trial
(trial_id). Parties: the owner's organisation (contact "owner") and a citizen group
(party_id, contact "participant", already agreed); an open review (review_id). The camp is
public, so everyone reads the trial, its contract and its reviews. "trial.manage" is the
challenge's owner, the camp's organiser and admins. A bodiless POST to a form answers 200
with the form's errors for those allowed; the agreed citizen group cannot be removed
(303 with the reason); holding the review goes through (303).
"""
MANAGERS = {"anonymous": 302, "owner": 200, "organiser": 200, "admin": 200}
MANAGERS_ACT = {"anonymous": 302, "owner": 303, "organiser": 303, "admin": 303}
# Only the citizen group's own contact (and admins) write its commitment: the owner runs
# the trial but speaks for its own party only.
CITIZEN_PARTY = {"anonymous": 302, "participant": 200, "admin": 200}
# Whoever speaks for one of the parties (the managers speak for the owner's party).
ANY_PARTY = {"anonymous": 302, "participant": 200, "owner": 200, "organiser": 200,
             "admin": 200}

ROWS = [
    ("trials.start", "GET", MANAGERS, 403),
    ("trials.start", "POST", MANAGERS, 403),
    ("trials.add_prototype", "POST", MANAGERS_ACT, 403),
    ("trials.view", "GET", {}, 200),
    ("trials.edit", "GET", MANAGERS, 403),
    ("trials.edit", "POST", MANAGERS, 403),
    ("trials.status", "POST", MANAGERS, 403),
    ("trials.contract", "GET", {}, 200),
    ("trials.party_new", "GET", MANAGERS, 403),
    ("trials.party_new", "POST", MANAGERS, 403),
    ("trials.party_remove", "POST", MANAGERS_ACT, 403),
    ("trials.commitment", "GET", CITIZEN_PARTY, 403),
    ("trials.commitment", "POST", CITIZEN_PARTY, 403),
    ("trials.reviews", "GET", {}, 200),
    ("trials.review", "GET", {}, 200),
    ("trials.review", "POST", ANY_PARTY, 403),
    ("trials.hold_review", "POST", MANAGERS_ACT, 403),
]
