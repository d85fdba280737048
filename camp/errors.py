"""Domain errors raised by services, and the HTTP error pages."""
from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user."""

    status = 400
    code = "invalid"

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidToken(DomainError):
    status = 400
    code = "invalid_token"


TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
MESSAGES = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("We could not find that page. It may have moved or never existed."),
    405: _l("That action is not possible here."),
    409: _l("Someone else changed this at the same time. Reload and try again."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("An unexpected error occurred. We have been told; please try again later."),
}


class ApiErrorSchema(Schema):
    """The body of every JSON error (render_error below): documented as the API's error
    responses in the OpenAPI document (camp.extensions.CampApi)."""

    error = fields.String(required=True, metadata={"description": "A code: not_found, ..."})
    message = fields.String(required=True, metadata={"description": "For people."})
    errors = fields.Dict(metadata={"description": "Field errors, by location and field."})


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def render_error(status: int, message=None, code: str | None = None, errors=None):
    # str(): Flask-Babel's lazy strings count as safe HTML, and a message may carry user text.
    message = str(message or MESSAGES.get(status, MESSAGES[500]))
    if wants_json():
        body = {"error": code or _code(status), "message": message}
        if errors:
            body["errors"] = errors
        return jsonify(body), status
    return render_template("errors/error.html", status=status,
                           title=TITLES.get(status, TITLES[500]), message=message), status


def _code(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES
    return HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_")


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_error(400, _l("The form had expired. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if wants_json():
            # Machines get the specific reason; webargs puts field errors in exc.data.
            errors = (getattr(exc, "data", None) or {}).get("messages")
            return render_error(exc.code or 500, exc.description, errors=errors)
        return render_error(exc.code or 500)

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        return render_error(exc.status, exc.message, code=exc.code)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if app.testing:
            raise exc
        app.logger.exception("Unhandled error")
        from camp.extensions import db
        db.session.rollback()
        return render_error(500)
