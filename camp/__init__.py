"""Samskab: software for running co-creation camps."""
import os

from flask import Flask

from camp.app import CampFlask


def create_app(test_config=None) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # CAMP_INSTANCE_PATH: one folder shared by every host (uploads, badge and booklet files).
    instance = os.environ.get("CAMP_INSTANCE_PATH")
    app = CampFlask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance) if instance else None,
                template_folder=os.path.join(root, "templates"),
                static_folder=os.path.join(root, "static"))
    if test_config and test_config.get("TESTING"):
        app.testing = True
    from camp.config import load_config
    load_config(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["PROXY_COUNT"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    from camp.errors import register_errorhandlers
    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    from camp import web
    from camp.extensions import api, babel, csrf, db, limiter, login_manager, mail, migrate
    from camp.i18n import select_locale

    import camp.models  # noqa: F401  (every table known before create_all/migrate)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    mail.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    web.init_app(app)


def register_blueprints(app: Flask) -> None:
    from camp.admin.views import bp as admin_bp
    from camp.auth.views import bp as auth_bp
    from camp.badges.views import bp as badges_bp
    from camp.camps.manage_views import bp as manage_bp
    from camp.camps.views import bp as camps_bp
    from camp.challenges.request_views import bp as requests_bp
    from camp.challenges.views import bp as challenges_bp
    from camp.charters.version_views import bp as charter_versions_bp
    from camp.charters.views import bp as charters_bp
    from camp.checkin.views import bp as checkin_bp
    from camp.gallery.booklet_views import bp as booklets_bp
    from camp.gallery.views import bp as gallery_bp
    from camp.judging.views import bp as judging_bp
    from camp.judging.vote_views import bp as votes_bp
    from camp.privacy.views import bp as privacy_bp
    from camp.registrations.views import bp as registrations_bp
    from camp.prototypes.feedback_views import bp as feedback_bp
    from camp.prototypes.views import bp as prototypes_bp
    from camp.teams.placement_views import bp as placement_bp
    from camp.teams.views import bp as teams_bp
    from camp.tickets.views import bp as tickets_bp
    from camp.trials.evaluation_views import bp as trial_evaluation_bp
    from camp.trials.progress_views import bp as trial_progress_bp
    from camp.trials.report_views import bp as trial_reports_bp
    from camp.trials.views import bp as trials_bp
    from camp.web import bp as web_bp

    for bp in (web_bp, auth_bp, camps_bp, manage_bp, registrations_bp, tickets_bp,
               checkin_bp, badges_bp, challenges_bp, requests_bp, teams_bp, placement_bp,
               prototypes_bp, feedback_bp, judging_bp, votes_bp, gallery_bp, booklets_bp,
               charters_bp, charter_versions_bp, trials_bp, trial_progress_bp,
               trial_evaluation_bp, privacy_bp, trial_reports_bp, admin_bp):
        app.register_blueprint(bp)
    from camp.api import register as register_api
    register_api(app)


def register_cli(app: Flask) -> None:
    from camp.cli import camp_cli
    app.cli.add_command(camp_cli)
