"""`odyssey users promote` and `demote`."""

from accounts.models import User
from cli.main import main
from core.database import session_scope
from tests.accounts_support import accounts_client, bearer, register


def role_of(user_id: int) -> str:
    with session_scope() as session:
        return session.get(User, user_id).role


def test_promote_makes_admin(capsys):
    client = accounts_client()
    body = register(client)
    user_id = body["profile"]["id"]
    assert main(["users", "promote", "ADA@example.org"]) == 0
    assert role_of(user_id) == "admin"
    assert f"user {user_id} now has the role admin" in capsys.readouterr().out
    # The admin role is read per request, so the old access token now has it.
    token = body["tokens"]["access_token"]
    assert client.get("/v1/profile", headers=bearer(token)).json()["role"] == "admin"
    assert main(["users", "demote", "ada@example.org"]) == 0
    assert role_of(user_id) == "user"


def test_promote_unknown_email_fails(capsys):
    assert main(["users", "promote", "nobody@example.org"]) == 1
    assert "no account has this email" in capsys.readouterr().err
