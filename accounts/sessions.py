"""Sign-in sessions: rotating refresh tokens grouped in families, kept in Redis.

Refresh tokens are opaque random strings, and Redis stores only their SHA-256
hashes. The server has to look each one up anyway, to rotate it and to detect
reuse, so a signed JWT would add nothing but size and readable claims, and a
Redis dump holds no usable token.

A family is one sign-in. Each refresh replaces the family's current token; the
old tokens stay known until the family expires. Presenting an old token means
it was copied, so the whole family is revoked. Access tokens carry the family
id as `sid`, and the dependencies reject them once the family is gone.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from redis import Redis

from core.errors import Unauthorized
from core.redis_client import get_redis
from core.settings import get_settings

logger = logging.getLogger(__name__)

_FAMILY_KEY = "auth:family:{}"  # hash: user_id, current (token hash)
_TOKEN_KEY = "auth:refresh:{}"  # token hash -> family id
_USER_FAMILIES_KEY = "auth:user-families:{}"  # set of family ids

# Returns 1 after rotating, 0 when the family is gone (revoked or expired) and
# -1 when the token is not the family's current one, after revoking the family.
_ROTATE_SCRIPT = """
local current = redis.call('HGET', KEYS[1], 'current')
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return -1
end
redis.call('HSET', KEYS[1], 'current', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', redis.call('PTTL', KEYS[1]))
return 1
"""

INVALID_REFRESH_TOKEN = (
    "the refresh token is invalid, expired or revoked; sign in again"
)


@dataclass(frozen=True)
class RefreshGrant:
    user_id: int
    family_id: str
    refresh_token: str
    expires_in: int  # seconds until the family ends


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(days=get_settings().refresh_token_days)


def start_session(user_id: int) -> RefreshGrant:
    """Start a family for a fresh sign-in and return its first refresh token."""
    redis = get_redis()
    family_id = secrets.token_hex(16)
    token = secrets.token_urlsafe(32)
    lifetime = _lifetime()
    family_key = _FAMILY_KEY.format(family_id)
    user_key = _USER_FAMILIES_KEY.format(user_id)
    with redis.pipeline() as pipe:
        pipe.hset(family_key, mapping={"user_id": user_id, "current": _hash(token)})
        pipe.expire(family_key, lifetime)
        pipe.set(_TOKEN_KEY.format(_hash(token)), family_id, ex=lifetime)
        pipe.sadd(user_key, family_id)
        pipe.expire(user_key, lifetime)
        pipe.execute()
    logger.info("started session %s for user %d", family_id, user_id)
    return RefreshGrant(user_id, family_id, token, int(lifetime.total_seconds()))


def rotate(refresh_token: str) -> RefreshGrant:
    """Exchange a refresh token for a new one of the same family.

    Raises Unauthorized for unknown and expired tokens, and for reused ones,
    after revoking their family.
    """
    redis = get_redis()
    old_hash = _hash(refresh_token)
    family_id = redis.get(_TOKEN_KEY.format(old_hash))
    if family_id is None:
        raise Unauthorized(INVALID_REFRESH_TOKEN)
    family_key = _FAMILY_KEY.format(family_id)
    user_id = redis.hget(family_key, "user_id")
    new_token = secrets.token_urlsafe(32)
    result = redis.eval(
        _ROTATE_SCRIPT,
        2,
        family_key,
        _TOKEN_KEY.format(_hash(new_token)),
        old_hash,
        _hash(new_token),
        family_id,
    )
    if result == -1:
        logger.warning(
            "refresh token reused in session %s; revoked the session", family_id
        )
    if result != 1 or user_id is None:
        raise Unauthorized(INVALID_REFRESH_TOKEN)
    expires_in = max(int(redis.ttl(family_key)), 0)
    return RefreshGrant(int(user_id), str(family_id), new_token, expires_in)


def end_session(refresh_token: str) -> None:
    """Revoke the family of a refresh token; unknown tokens are ignored."""
    redis = get_redis()
    family_id = redis.get(_TOKEN_KEY.format(_hash(refresh_token)))
    if family_id is not None and redis.delete(_FAMILY_KEY.format(family_id)):
        logger.info("ended session %s", family_id)


def end_all_sessions(user_id: int) -> None:
    """Revoke every family of the user, e.g. before erasing the account."""
    redis: Redis = get_redis()
    user_key = _USER_FAMILIES_KEY.format(user_id)
    family_ids = redis.smembers(user_key)
    keys = [_FAMILY_KEY.format(family_id) for family_id in family_ids]
    redis.delete(user_key, *keys)
    logger.info("ended %d sessions of user %d", len(keys), user_id)


def is_active(family_id: str) -> bool:
    return bool(get_redis().exists(_FAMILY_KEY.format(family_id)))
