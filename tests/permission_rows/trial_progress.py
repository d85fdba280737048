"""A trial's progress (issue 7, part G): milestones, updates with photos, following.

In the world, "owner" runs the RUNNING trial (trial_id) of the public camp, which has a
milestone (milestone_id) and an update without photos (update_id); "participant" follows
it. Trials are read in the open (trial.view), so everyone reads the milestones and the
timeline; only the trial's managers ("owner", the camp's "organiser", "admin") change
them. A bodiless POST gets the form back with its errors (200). The update has no photo,
so its photo addresses answer 404 for everyone. Every signed-in person may follow (and
unfollow, also when not following: idempotent). The world's URL token is not a follower's
token, so the unsubscribe page answers 404 ("this link does not work").
"""
MANAGERS_FORM = {"anonymous": 302, "owner": 200, "organiser": 200, "admin": 200}
MANAGERS_DONE = {"anonymous": 302, "owner": 303, "organiser": 303, "admin": 303}

ROWS = [
    ("trial_progress.milestones", "GET", {}, 200),
    ("trial_progress.milestones", "POST", MANAGERS_FORM, 403),
    ("trial_progress.edit_milestone", "GET", MANAGERS_FORM, 403),
    ("trial_progress.edit_milestone", "POST", MANAGERS_FORM, 403),
    ("trial_progress.milestone_done", "POST", MANAGERS_DONE, 403),
    ("trial_progress.milestone_undo", "POST", MANAGERS_DONE, 403),
    ("trial_progress.delete_milestone", "POST", MANAGERS_DONE, 403),
    ("trial_progress.updates", "GET", {}, 200),
    ("trial_progress.updates", "POST", MANAGERS_FORM, 403),
    ("trial_progress.photo", "GET", {}, 404),
    ("trial_progress.photo_thumbnail", "GET", {}, 404),
    ("trial_progress.follow", "POST", {"anonymous": 302}, 303),
    ("trial_progress.unfollow", "POST", {"anonymous": 302}, 303),
    ("trial_progress.unsubscribe", "GET", {}, 404),
    ("trial_progress.unsubscribe", "POST", {}, 404),
]
