"""Signed, expiring tokens for links sent by e-mail."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from camp.errors import InvalidToken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="camp." + purpose)


def make_token(purpose: str, data) -> str:
    return _serializer(purpose).dumps(data)


def load_token(purpose: str, token: str, max_age: int):
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken(_l("This link has expired. Ask for a new one."))
    except BadSignature:
        raise InvalidToken(_l("This link is not valid. Check that you copied all of it."))
