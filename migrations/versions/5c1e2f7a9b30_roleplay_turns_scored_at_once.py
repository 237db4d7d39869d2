"""role-play turns scored at once: who scored, the checker's explanation, late replies

Revision ID: 5c1e2f7a9b30
Revises: 03ff2ca6d7bc
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e2f7a9b30'
down_revision = '03ff2ca6d7bc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roleplay_turns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('scored_by', sa.String(length=12), nullable=False, server_default='choice')
        )
        batch_op.add_column(sa.Column('explanation', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('lang', sa.String(length=5), nullable=True))
        batch_op.add_column(
            sa.Column('late', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Written turns recorded before the checker existed: graded ones by an instructor, the
    # rest still waiting for one.
    op.execute(
        "UPDATE roleplay_turns SET scored_by = CASE WHEN graded_at IS NOT NULL "
        "THEN 'instructor' ELSE 'pending' END WHERE text IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('roleplay_turns', schema=None) as batch_op:
        batch_op.drop_column('late')
        batch_op.drop_column('lang')
        batch_op.drop_column('explanation')
        batch_op.drop_column('scored_by')
