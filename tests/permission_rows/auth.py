SIGNED_IN = {"participant": 200, "staff": 200, "jury": 200, "owner": 200, "organiser": 200,
             "other_organiser": 200, "admin": 200}
REDIRECT_SIGNED_IN = {r: 303 for r in SIGNED_IN}

ROWS = [
    ("auth.signup", "GET", REDIRECT_SIGNED_IN, 200),
    ("auth.signup", "POST", REDIRECT_SIGNED_IN, 200),
    ("auth.login", "GET", REDIRECT_SIGNED_IN, 200),
    ("auth.login", "POST", REDIRECT_SIGNED_IN, 200),
    ("auth.logout", "POST", {}, 303),
    ("auth.confirm_email", "GET", {}, 400),
    ("auth.confirm_email", "POST", {}, 400),
    ("auth.resend_confirmation", "POST", {"anonymous": 302}, 303),
    ("auth.forgot_password", "GET", {}, 200),
    ("auth.forgot_password", "POST", {}, 200),
    ("auth.reset_password", "GET", {}, 400),
    ("auth.reset_password", "POST", {}, 400),
    ("auth.profile", "GET", {"anonymous": 302}, 200),
    ("auth.profile", "POST", {"anonymous": 302}, 200),
    ("auth.change_password", "GET", {"anonymous": 302}, 200),
    ("auth.change_password", "POST", {"anonymous": 302}, 200),
    ("auth.export_data", "GET", {"anonymous": 302}, 200),
    ("auth.delete_account", "GET", {"anonymous": 302}, 200),
    ("auth.delete_account", "POST", {"anonymous": 302}, 200),
]
