DOOR = {"anonymous": 302, "staff": 200, "organiser": 200, "admin": 200}

ROWS = [
    ("checkin.scanner", "GET", DOOR, 403),
    ("checkin.scan", "POST", DOOR, 403),  # an empty scan re-renders with an error
    ("checkin.check_in_person", "POST", {"anonymous": 302, "staff": 400, "organiser": 400,
                                         "admin": 400}, 403),  # no nonce: refused
]

ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ROWS += [
    ("checkin.dashboard", "GET", ORGANISERS, 403),
    ("checkin.inside", "GET", ORGANISERS, 403),
    ("checkin.inside_csv", "GET", ORGANISERS, 403),
]

ROWS += [
    ("checkin.devices_page", "GET", ORGANISERS, 403),
    ("checkin.devices_page", "POST", ORGANISERS, 403),
    ("checkin.revoke_device", "POST", {"anonymous": 302, "organiser": 303, "admin": 303}, 403),
    ("checkin.pair", "GET", {}, 404),  # the world's token is not a device's
    ("checkin.pair", "POST", {}, 404),
]

ROWS.append(("checkin.service_worker", "GET", {}, 200))
