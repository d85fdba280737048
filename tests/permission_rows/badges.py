ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ROWS = [
    ("badges.page", "GET", ORGANISERS, 403),
    ("badges.camp_pdf", "GET", ORGANISERS, 403),
    ("badges.single", "GET", {"anonymous": 302, "staff": 200, "organiser": 200, "admin": 200},
     403),
]
