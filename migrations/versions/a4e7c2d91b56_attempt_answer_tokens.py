"""attempt answer tokens: each slot's options, rows and steps under per-attempt random tokens

Revision ID: a4e7c2d91b56
Revises: 5c1e2f7a9b30
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e7c2d91b56'
down_revision = '5c1e2f7a9b30'
branch_labels = None
depends_on = None


def upgrade():
    # Slots of attempts started before this revision get their tokens the first time the
    # attempt is opened again (services.ensure_tokens), from the order they were shown in.
    with op.batch_alter_table('attempt_slots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt_slots', schema=None) as batch_op:
        batch_op.drop_column('tokens')
