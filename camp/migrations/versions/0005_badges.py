"""badge settings and background badge runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import camp.db  # custom column types such as camp.db.UTCDateTime


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_settings',
    sa.Column('camp_id', sa.Integer(), nullable=False),
    sa.Column('show_organisation', sa.Boolean(), nullable=False),
    sa.Column('show_role', sa.Boolean(), nullable=False),
    sa.Column('show_actor_type', sa.Boolean(), nullable=False),
    sa.Column('show_team', sa.Boolean(), nullable=False),
    sa.Column('accent_colour', sa.String(length=7), nullable=True),
    sa.Column('logo_file', sa.String(length=64), nullable=True),
    sa.Column('updated_at', camp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['camp_id'], ['camps.id'], name=op.f('fk_badge_settings_camp_id_camps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('camp_id', name=op.f('pk_badge_settings'))
    )
    op.create_table('badge_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('camp_id', sa.Integer(), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='badgejobstatus', native_enum=False, length=32), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('file_name', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', camp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', camp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', camp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', camp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['camp_id'], ['camps.id'], name=op.f('fk_badge_jobs_camp_id_camps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_badge_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_jobs'))
    )
    with op.batch_alter_table('badge_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_jobs_camp_id'), ['camp_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_badge_jobs_created_by_id'), ['created_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('badge_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_jobs_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_badge_jobs_camp_id'))

    op.drop_table('badge_jobs')
    op.drop_table('badge_settings')
