ALL = 200
ROWS = [
    ("web.index", "GET", {}, 200),
    ("web.set_language", "POST", {}, 303),
    ("web.health", "GET", {}, 200),
    ("static", "GET", {}, 200),
]
