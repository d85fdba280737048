"""The owner's dashboard, the organisers' follow-up and the reports (issue 7, part H).

Every signed-in user has a dashboard of their own (empty unless they own challenges). The
follow-up overview and the camp's reports are for the camp's organisers; a trial's
reports for the trial's managers: the challenge's owner and the camp's organisers.
"""
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
MANAGERS = {"anonymous": 302, "owner": 200, "organiser": 200, "admin": 200}

ROWS = [
    ("trial_reports.mine", "GET", {"anonymous": 302}, 200),
    ("trial_reports.follow_up", "GET", ORGANISERS, 403),
    ("trial_reports.camp_pdf", "GET", ORGANISERS, 403),
    ("trial_reports.camp_csv", "GET", ORGANISERS, 403),
    ("trial_reports.camp_json", "GET", ORGANISERS, 403),
    ("trial_reports.trial_pdf", "GET", MANAGERS, 403),
    ("trial_reports.trial_csv", "GET", MANAGERS, 403),
    ("trial_reports.trial_json", "GET", MANAGERS, 403),
]
