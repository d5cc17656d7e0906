"""One-statement upserts with one array per column (core.bulk_upsert)."""

from datetime import datetime, timezone

from sqlalchemy import select

from core.bulk_upsert import upsert_rows
from core.database import session_scope
from indexer.models import Repository


def repository_row(number: int, **fields) -> dict:
    row = {
        "source": "github",
        "external_id": f"R_{number}",
        "name": f"repo{number}",
        "full_name": f"acme/repo{number}",
        "owner": "acme",
        "url": f"https://github.com/acme/repo{number}",
        "topics": ["python", "good-first-issues"],
        "pushed_at": None,
        "stars": number,
        "archived": False,
        "fetched_at": datetime(2025, 3, 1, tzinfo=timezone.utc),
    }
    row.update(fields)
    return row


def stored_repositories() -> dict[str, Repository]:
    with session_scope() as session:
        rows = session.execute(select(Repository)).scalars().all()
        session.expunge_all()
    return {row.external_id: row for row in rows}


def upsert(rows, updated=("stars", "topics")):
    with session_scope() as session:
        return upsert_rows(
            session,
            Repository.__table__,
            rows,
            keys=("source", "external_id"),
            updated=updated,
            returning=("id", "external_id"),
        )


def test_arrays_nulls_and_empty_lists_round_trip():
    rows = [repository_row(1), repository_row(2, topics=[]), repository_row(3, topics=["a b", "c,d"])]
    returned = upsert(rows)
    stored = stored_repositories()
    assert sorted(external_id for _, external_id in returned) == ["R_1", "R_2", "R_3"]
    assert stored["R_1"].topics == ["python", "good-first-issues"]
    assert stored["R_2"].topics == []
    assert stored["R_3"].topics == ["a b", "c,d"]
    assert stored["R_1"].pushed_at is None


def test_conflicts_update_only_the_named_columns():
    [(first_id, _)] = upsert([repository_row(1)])
    [(second_id, _)] = upsert([repository_row(1, stars=99, topics=["rust"], name="renamed")])
    stored = stored_repositories()["R_1"]
    assert second_id == first_id
    assert stored.stars == 99
    assert stored.topics == ["rust"]
    assert stored.name == "repo1"


def test_conflicts_without_updated_columns_keep_the_old_row():
    upsert([repository_row(1)])
    returned = upsert([repository_row(1, stars=5), repository_row(2)], updated=())
    assert [external_id for _, external_id in returned] == ["R_2"]
    assert stored_repositories()["R_1"].stars == 1


def test_no_rows_runs_no_statement():
    assert upsert([]) == []
