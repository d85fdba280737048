"""The JSON API under /api/v1 (flask-smorest): check-in for scanner devices and staff
(camp.api.checkin), the read API (camp.api.read.*), and the organisers' API token pages."""


def register(app) -> None:
    from camp.api.checkin import bp as checkin_bp
    from camp.api.read.camps import bp as camps_bp
    from camp.api.read.challenges import bp as challenges_bp
    from camp.api.read.charters import bp as charters_bp
    from camp.api.read.prototypes import bp as prototypes_bp
    from camp.api.read.trials import bp as trials_bp
    from camp.api.token_views import bp as token_pages_bp
    from camp.extensions import api
    # The read API's callers: anonymous, the browser's session, or an organiser's token.
    api.spec.components.security_scheme("apiToken", {
        "type": "http", "scheme": "bearer",
        "description": "An API token (sk_...) from /me/api-tokens: read-only, acts as its "
                       "user. Without one, the read API answers what is public (or what "
                       "the browser's session may see)."})
    for bp in (checkin_bp, camps_bp, challenges_bp, prototypes_bp, trials_bp, charters_bp):
        api.register_blueprint(bp)
    app.register_blueprint(token_pages_bp)
