"""Dead-lettered messages can be listed and replayed."""

import dramatiq

from core import dead_letters
from core.broker import broker, enqueue
from core.redis_client import get_redis
from tests.pipeline import running_worker

ATTEMPTS_KEY = "test:flaky-attempts"


@dramatiq.actor(max_retries=0)
def fails_until_replayed(marker: str) -> None:
    """Fail on the first attempt only, so the message is dead-lettered once."""
    if get_redis().incr(ATTEMPTS_KEY) == 1:
        raise RuntimeError("first attempt fails")
    get_redis().set(f"test:done:{marker}", "1")


def test_dead_letter_list_and_replay():
    with running_worker():
        enqueue("fails_until_replayed", "m1")
        broker.join("default", timeout=30_000)
        letters = dead_letters.list_dead_letters()
        replayed = dead_letters.replay([letter.message_id for letter in letters])
        broker.join("default", timeout=30_000)
    assert len(letters) == 1
    assert letters[0].actor_name == "fails_until_replayed"
    assert letters[0].args == ("m1",)
    assert replayed == [letters[0].message_id]
    assert get_redis().get("test:done:m1") == "1"
    assert dead_letters.list_dead_letters() == []


def test_replay_of_unknown_id_replays_nothing():
    assert dead_letters.replay(["no-such-message"]) == []


def test_cli_lists_dead_letters(capsys):
    from cli.main import main

    with running_worker():
        enqueue("fails_until_replayed", "m2")
        broker.join("default", timeout=30_000)
    assert main(["dead-letters", "list"]) == 0
    listed = capsys.readouterr().out
    assert "fails_until_replayed" in listed
    assert "1 dead-lettered messages in queue default" in listed
    with running_worker():
        assert main(["dead-letters", "replay", "--all"]) == 0
        broker.join("default", timeout=30_000)
    assert get_redis().get("test:done:m2") == "1"
