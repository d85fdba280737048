# Automatic team placement: organisers of the camp (and admins) only. A bare POST changes
# nothing (the plan it names is not the current one) and shows the page again.
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}

ROWS = [
    ("placement.preview", "GET", ORGANISERS, 403),
    ("placement.preview", "POST", ORGANISERS, 403),
]
