"""Review tables: predictions kept for review, and the reviews of them (append-only).

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("product_key", sa.String(64), nullable=False),
        sa.Column("productid", sa.BigInteger(), nullable=True),
        sa.Column("imageid", sa.BigInteger(), nullable=True),
        sa.Column("designation", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("image_ref", sa.Text(), nullable=False),
        sa.Column("top3", sa.JSON(), nullable=False),
        sa.Column("decision", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("disagree", sa.Boolean(), nullable=False),
        sa.Column("model_versions", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_predictions_product_key", "predictions", ["product_key"])
    op.create_index("ix_predictions_decision", "predictions", ["decision"])
    op.create_index("ix_predictions_confidence", "predictions", ["confidence"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("prediction_id", sa.Integer(), sa.ForeignKey("predictions.id"), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("code", sa.Integer(), nullable=True),
        sa.Column("reviewer", sa.String(120), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("verdict IN ('confirmed', 'corrected', 'unclassifiable')", name="ck_reviews_verdict"),
    )
    op.create_index("ix_reviews_prediction_id", "reviews", ["prediction_id"])


def downgrade() -> None:
    op.drop_index("ix_reviews_prediction_id", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_predictions_confidence", table_name="predictions")
    op.drop_index("ix_predictions_decision", table_name="predictions")
    op.drop_index("ix_predictions_product_key", table_name="predictions")
    op.drop_table("predictions")
