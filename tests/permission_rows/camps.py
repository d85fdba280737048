EVERYONE = {}
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ORGANISERS_REDIRECT = {"anonymous": 302, "organiser": 303, "admin": 303}
CREATORS = {"anonymous": 302, "organiser": 200, "other_organiser": 200, "admin": 200}

ROWS = [
    ("camps.index", "GET", EVERYONE, 200),
    ("camps.show", "GET", EVERYONE, 200),
    ("camps.programme_ics", "GET", EVERYONE, 200),
    ("camps.accept_invitation", "GET", EVERYONE, 400),
    ("camps.accept_invitation", "POST", EVERYONE, 400),
    ("manage.new_camp", "GET", CREATORS, 403),
    ("manage.new_camp", "POST", CREATORS, 403),
    ("manage.dashboard", "GET", ORGANISERS, 403),
    ("manage.edit_camp", "GET", ORGANISERS, 403),
    ("manage.edit_camp", "POST", ORGANISERS, 403),
    ("manage.set_status", "POST", ORGANISERS_REDIRECT, 403),
    ("manage.programme", "GET", ORGANISERS, 403),
    ("manage.programme", "POST", ORGANISERS, 403),
    ("manage.edit_item", "GET", ORGANISERS, 403),
    ("manage.edit_item", "POST", ORGANISERS, 403),
    ("manage.delete_item", "POST", ORGANISERS_REDIRECT, 403),
    ("manage.questions", "GET", ORGANISERS, 403),
    ("manage.questions", "POST", ORGANISERS, 403),
    ("manage.edit_question", "GET", ORGANISERS, 403),
    ("manage.edit_question", "POST", ORGANISERS, 403),
    ("manage.delete_question", "POST", ORGANISERS_REDIRECT, 403),
    ("manage.move_question", "POST", ORGANISERS_REDIRECT, 403),
    ("manage.team", "GET", ORGANISERS, 403),
    ("manage.team", "POST", ORGANISERS, 403),
    ("manage.revoke_invitation", "POST", ORGANISERS_REDIRECT, 403),
    ("manage.remove_member", "POST", ORGANISERS_REDIRECT, 403),
]
ROWS.append(("camps.mine", "GET", {"anonymous": 302}, 200))
