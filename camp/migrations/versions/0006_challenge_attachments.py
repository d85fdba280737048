"""challenge attachments (files owners attach to a challenge, see camp.uploads)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 12:28:42.091929

"""
from alembic import op
import sqlalchemy as sa

import camp.db  # custom column types such as camp.db.UTCDateTime


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('challenge_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', camp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_attachments_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_challenge_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_challenge_attachments_stored_name'))
    )
    with op.batch_alter_table('challenge_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_attachments_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenge_attachments_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('challenge_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_attachments_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_challenge_attachments_challenge_id'))

    op.drop_table('challenge_attachments')
