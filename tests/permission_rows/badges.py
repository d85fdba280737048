ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ROWS = [
    ("badges.page", "GET", ORGANISERS, 403),
    ("badges.camp_pdf", "GET", ORGANISERS, 403),
    ("badges.single", "GET", {"anonymous": 302, "staff": 200, "organiser": 200, "admin": 200},
     403),
    # An empty form is valid (every field off, house colour): saved.
    ("badges.save_settings", "POST", {"anonymous": 302, "organiser": 303, "admin": 303}, 403),
    # The layout defaults to A4 with 6 per sheet; under TESTING the run happens inline.
    ("badges.start_run", "POST", {"anonymous": 302, "organiser": 303, "admin": 303}, 403),
    # Without ?run= there is nothing to download; the camp's gate comes first.
    ("badges.download", "GET", {"anonymous": 302, "organiser": 404, "admin": 404}, 403),
]
