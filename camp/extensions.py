"""Unbound extension objects; bound to the app in create_app()."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_smorest import Api
from flask_wtf.csrf import CSRFProtect

from camp.db import Base
from camp.errors import ApiErrorSchema

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)


class CampApi(Api):
    # The error body the app really sends (camp.errors.render_error), in the OpenAPI document.
    ERROR_SCHEMA = ApiErrorSchema


api = CampApi()
