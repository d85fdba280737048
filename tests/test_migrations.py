"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect

from camp import create_app
from camp.extensions import db


def test_upgrade_matches_models_and_downgrades(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        check()  # raises if the models differ from the migrated schema
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
