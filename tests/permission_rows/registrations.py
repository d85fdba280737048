SIGNED_IN = {"anonymous": 302}
OWN = {"anonymous": 302, "participant": 200, "organiser": 200, "admin": 200}
OWN_POST = {"anonymous": 302, "participant": 303, "organiser": 303, "admin": 303}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_REDIRECT = {"anonymous": 302, "organiser": 303, "admin": 303}

ROWS = [
    # The participant is registered already and is sent to their registration.
    ("registrations.register", "GET", {"anonymous": 302, "participant": 303}, 200),
    ("registrations.register", "POST", {"anonymous": 302, "participant": 303}, 200),
    ("registrations.mine", "GET", SIGNED_IN, 200),
    ("registrations.show", "GET", OWN, 404),
    ("registrations.cancel", "POST", OWN_POST, 404),
    ("registrations.manage_list", "GET", ORGANISERS, 403),
    ("registrations.export_csv", "GET", ORGANISERS, 403),
    ("registrations.manual_add", "GET", ORGANISERS, 403),
    ("registrations.manual_add", "POST", ORGANISERS, 403),
    ("registrations.manage_cancel", "POST", ORGANISERS_REDIRECT, 403),
    ("registrations.promote", "POST", ORGANISERS_REDIRECT, 403),
    ("registrations.actor_mix", "GET", ORGANISERS, 403),
    ("registrations.actor_mix_csv", "GET", ORGANISERS, 403),
]
