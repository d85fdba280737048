"""Prototypes: the world's team (led by role "participant") has a submitted prototype with
one revision and a PNG file; the camp is public and its deadline (the camp's end) is ahead."""
# The team's members and the camp's organisers edit; anonymous visitors are sent to log in.
EDITORS = {"anonymous": 302, "participant": 200, "organiser": 200, "admin": 200}
# Submitting unchanged content, choosing the cover, deleting: done (or said so) and redirected.
EDITORS_POST = {"anonymous": 302, "participant": 303, "organiser": 303, "admin": 303}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}

ROWS = [
    ("prototypes.team_prototype", "GET", EDITORS, 403),
    # A POST without a body leaves the form with the stored draft (Flask-WTF reads no
    # form data): saved unchanged and redirected.
    ("prototypes.team_prototype", "POST", EDITORS_POST, 403),
    ("prototypes.submit", "POST", EDITORS_POST, 403),
    # A submitted prototype is public in a public camp.
    ("prototypes.show", "GET", {}, 200),
    ("prototypes.revision", "GET", {}, 200),
    ("prototypes.compare", "GET", {}, 200),
    # An empty upload re-renders the page with "Choose a file." (200).
    ("prototypes.add_file", "POST", EDITORS, 403),
    ("prototypes.download_file", "GET", {}, 200),
    ("prototypes.thumbnail", "GET", {}, 200),
    ("prototypes.set_cover", "POST", EDITORS_POST, 403),
    ("prototypes.delete_file", "POST", EDITORS_POST, 403),
    ("prototypes.manage", "GET", ORGANISERS, 403),
    # An empty deadline is valid (the camp's end): saved and redirected.
    ("prototypes.manage", "POST", ORGANISERS_POST, 403),
    # An empty date takes the extension away (none here): redirected.
    ("prototypes.extend", "POST", ORGANISERS_POST, 403),
    ("prototypes.export_csv", "GET", ORGANISERS, 403),
]
