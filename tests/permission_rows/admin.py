"""Issue 9: the admin pages for people (administrators only). The world's "participant"
is the person; an admin's POST without the typed e-mail address only shows the form."""
ADMINS = {"anonymous": 302, "admin": 200}

ROWS = [
    ("admin.people", "GET", ADMINS, 403),
    ("admin.person", "GET", ADMINS, 403),
    ("admin.person_data", "GET", ADMINS, 403),
    ("admin.erase_person", "GET", ADMINS, 403),
    ("admin.erase_person", "POST", ADMINS, 403),
]
