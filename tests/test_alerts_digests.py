"""Daily and weekly digests: due at the chosen local hour, grouped by saved
search, closed issues left out, empty digests not sent, each period once."""

import logging
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlmodel import col, select

import alerts.tasks  # noqa: F401  (declares the actors before the worker starts)
from alerts.digests import run_digests
from alerts.models import AlertMatch, DigestRun, SavedSearch
from cli.main import main as odyssey_main
from core.database import session_scope
from indexer.models import Issue
from tests.alerts_support import (
    _MailHandler,
    api_client,
    configure_alert_settings,
    deliveries_of,
    make_user,
    settled_deliveries,
    smtp_server,
    wait_until,
)
from tests.factories import make_issue, make_repository, store_and_index
from tests.pipeline import running_worker

RUST = make_repository("acme/engine", language="Rust")
# 2030-01-15 is a Tuesday; Berlin is UTC+1 in January.
BEFORE_EIGHT_IN_BERLIN = datetime(2030, 1, 15, 6, 30, tzinfo=timezone.utc)
EIGHT_IN_BERLIN = datetime(2030, 1, 15, 7, 0, tzinfo=timezone.utc)


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[_MailHandler]:
    with smtp_server() as handler:
        configure_alert_settings(
            monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(handler.port)
        )
        yield handler


def save(client, headers, name: str, language: str, **fields) -> int:
    body = {
        "name": name,
        "query": {"language": [language]},
        "frequency": "daily",
        "channels": ["in_app", "email"],
        "timezone": "Europe/Berlin",
        "digest_hour": 8,
        **fields,
    }
    response = client.post("/v1/saved-searches", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def pending_matches() -> int:
    with session_scope() as session:
        rows = session.exec(select(AlertMatch.id).where(AlertMatch.status == "pending"))
        return len(rows.all())


def test_daily_digest_grouped_by_saved_search(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    with running_worker():
        python_id = save(client, ada, "Python", "Python")
        rust_id = save(client, ada, "Rust", "Rust")
        store_and_index(
            [
                make_issue(1, title="Python docs"),
                make_issue(2, title="Rust docs", repository=RUST),
                make_issue(3, title="Rust test that closes", repository=RUST),
            ]
        )
        wait_until(lambda: pending_matches() == 3, what="3 pending matches")
        store_and_index([make_issue(3, repository=RUST, state="closed")])
        assert deliveries_of(ada_id) == []

        early = run_digests(BEFORE_EIGHT_IN_BERLIN)
        assert early.searches_due == 0
        summary = run_digests(EIGHT_IN_BERLIN)
        assert summary.searches_due == 2
        assert summary.users_sent == 1
        rows = wait_until(lambda: settled_deliveries(ada_id, 2), what="2 deliveries")
    assert {row.channel for row in rows} == {"in_app", "email"}
    assert all(row.status == "sent" for row in rows)
    notification = client.get("/v1/notifications", headers=ada).json()["items"][0]
    sections = notification["payload"]["sections"]
    assert [section["name"] for section in sections] == ["Python", "Rust"]
    assert [issue["title"] for issue in sections[1]["issues"]] == ["Rust docs"]
    assert len(mail.messages) == 1
    text = mail.messages[0][1].get_content()
    assert "Saved search: Python" in text
    assert "Rust test that closes" not in text
    with session_scope() as session:
        rows = session.exec(
            select(Issue.number, AlertMatch.status).join(
                AlertMatch, col(AlertMatch.issue_id) == Issue.id
            )
        ).all()
    assert dict(rows) == {1: "delivered", 2: "delivered", 3: "dropped"}
    for search_id in (python_id, rust_id):
        log = client.get(f"/v1/saved-searches/{search_id}/deliveries", headers=ada)
        assert len(log.json()["items"]) == 2

    again = run_digests(EIGHT_IN_BERLIN)
    assert again.searches_due == 0
    assert len(deliveries_of(ada_id)) == 2


def test_empty_digest_not_sent_and_logged(
    mail: _MailHandler, caplog: pytest.LogCaptureFixture
) -> None:
    client = api_client()
    bob_id, bob = make_user("bob@example.org")
    search_id = save(client, bob, "Go", "Go")
    with caplog.at_level(logging.INFO, logger="alerts.digests"):
        summary = run_digests(EIGHT_IN_BERLIN)
    assert summary.users_skipped_empty == 1
    assert summary.delivery_ids == []
    assert deliveries_of(bob_id) == []
    assert f"digest of user {bob_id} not sent: nothing new" in caplog.text
    with session_scope() as session:
        run = session.exec(select(DigestRun)).one()
    assert run.saved_search_id == search_id
    assert run.outcome == "empty"
    assert run.period_key == "2030-01-15"


def test_weekly_digest_due_on_chosen_day(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    save(
        client,
        ada,
        "Weekly Python",
        "Python",
        frequency="weekly",
        timezone="UTC",
        digest_hour=9,
        digest_weekday=2,
    )
    with running_worker():
        store_and_index([make_issue(4, title="Python weekly")])
        wait_until(lambda: pending_matches() == 1, what="a pending match")
        tuesday = run_digests(datetime(2030, 1, 15, 23, 0, tzinfo=timezone.utc))
        assert tuesday.searches_due == 0
        wednesday = run_digests(datetime(2030, 1, 16, 9, 5, tzinfo=timezone.utc))
        assert wednesday.searches_due == 1
        rows = wait_until(lambda: settled_deliveries(ada_id, 2), what="2 deliveries")
    assert all(row.kind == "digest" for row in rows)
    with session_scope() as session:
        run = session.exec(select(DigestRun)).one()
    assert run.period_key == "2030-W03"
    assert run.issue_count == 1


def test_digests_run_command(mail: _MailHandler, capsys: pytest.CaptureFixture) -> None:
    client = api_client()
    _, ada = make_user("ada@example.org")
    save(client, ada, "Python", "Python")
    assert odyssey_main(["digests", "run", "--now", "2030-01-15T08:00:00+01:00"]) == 0
    assert "1 saved searches due" in capsys.readouterr().out
    with session_scope() as session:
        assert session.exec(select(DigestRun.outcome)).all() == ["empty"]
        assert len(session.exec(select(SavedSearch.id)).all()) == 1
