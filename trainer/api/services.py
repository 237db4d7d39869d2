"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..auth.models import User
from ..auth.services import audit
from ..database import utcnow
from ..extensions import db
from .models import ApiToken

PREFIX = "st_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=(name.strip() or "API")[:80],
        token_hash=_hash(secret),
        prefix=secret[:10],
    )
    db.session.add(token)
    audit(user, "api_token.create", token.prefix)
    db.session.commit()
    return token, secret


def user_for(secret: str) -> User | None:
    """The active owner of a valid, unrevoked token (and the token is marked as used)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _hash(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return user


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> bool:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit(user, "api_token.revoke", token.prefix)
    db.session.commit()
    return True
