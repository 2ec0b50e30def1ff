"""The review tables as SQLAlchemy 2 models (the migrations in ``migrations/`` create them).

``predictions``: one product kept for review (its fields, an image reference, every model's top
3, the decision, its confidence, the model versions, where it came from, when). ``reviews``: one
verdict of a person on a prediction (confirmed / corrected to a code / not classifiable, who,
when). Rows are only ever inserted: the latest review of a prediction is its verdict, earlier
ones are its history.
"""

from __future__ import annotations

import datetime as _dt

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, DateTime, Float, ForeignKey,
                        Integer, String, Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

VERDICTS = ("confirmed", "corrected", "unclassifiable")


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Prediction(Base):
    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_key: Mapped[str] = mapped_column(String(64), index=True)
    productid: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    imageid: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    designation: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    image_ref: Mapped[str] = mapped_column(Text, default="")
    top3: Mapped[dict] = mapped_column(JSON, default=dict)  # {model: [[code, probability], ...]}
    decision: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    disagree: Mapped[bool] = mapped_column(Boolean, default=False)  # models' top-1 differ
    model_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(32), default="predict")
    created: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("verdict IN ('confirmed', 'corrected', 'unclassifiable')", name="ck_reviews_verdict"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prediction_id: Mapped[int] = mapped_column(ForeignKey("predictions.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    code: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the right category
    reviewer: Mapped[str] = mapped_column(String(120), default="")
    created: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
