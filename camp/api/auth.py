"""Who is calling the read API: an API token's user, the browser's session, or nobody.

`Authorization: Bearer sk_...` names an API token (camp.api.tokens); a bad, revoked or
expired one, or any other Authorization header (a device token among them: those are
for check-in only), answers 401 in the API's JSON error shape. Without the header the
session's user is the caller (read-only GETs need no CSRF token), else the anonymous user.
"""
from __future__ import annotations

import hashlib

from flask import abort, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from camp.api import tokens
from camp.extensions import login_manager

BEARER = "Bearer "


def _authorization() -> str | None:
    return request.headers.get("Authorization")


def resolve_caller():
    """Run before every read API view: sets g.api_caller (or aborts with 401)."""
    header = _authorization()
    if header is None:
        g.api_caller = current_user._get_current_object() if current_user.is_authenticated \
            else login_manager.anonymous_user()
        g.api_token_id = None
        return None
    if not header.startswith(BEARER):
        abort(401, description="use 'Authorization: Bearer <API token>'")
    secret = header[len(BEARER):].strip()
    if not secret.startswith(tokens.PREFIX):
        abort(401, description="not an API token (API tokens start with "
                               f"'{tokens.PREFIX}'; device tokens are for check-in only)")
    token = tokens.token_for_secret(secret)
    if token is None:
        abort(401, description="unknown, expired or revoked API token")
    user, token_id = token.user, token.id
    tokens.touch(token)
    g.api_caller = user
    g.api_token_id = token_id
    return None


def caller():
    return g.api_caller


def rate_limit_key() -> str:
    """Per token when one is sent (a script behind a shared address keeps its own
    budget), else per address."""
    header = _authorization()
    if header and header.startswith(BEARER + tokens.PREFIX):
        return "api-token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "api-ip:" + (get_remote_address() or "")
