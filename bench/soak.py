"""A bounded soak of the HTTP API: searches, bookmark changes and logins at a
fixed request rate, with error counts, latency percentiles and memory per minute.

Usage: python -m bench.soak [--duration 600] [--rate 20] [--max-requests N]
       [--users 40] [--generate N] [--api-workers 2] [--port 58110]

Loads the demo records (or N generated ones) through the local GitHub and a
refresh, and registers the users through the API. It starts the API with
production settings: uvicorn workers, with the search cache and per-client
rate limits of `core.settings` at their defaults. Then it sends requests on a
fixed schedule (request i at i / rate seconds) until the duration ends or the
request cap is reached. The mix is anonymous and signed-in searches, bookmark
creation, bookmark status changes and logins.

Each simulated user has its own account and its own client address in
`X-Real-IP`, which the API trusts from 127.0.0.1 as it does behind the nginx
gateway. So the per-address limit of anonymous requests applies per user, as
in production, and is not reached at the default rate. Logins use the right
password, so the failed-login limits never apply.

It prints, per minute and in total, the requests, the errors (any status
other than the expected one, or no response), p50/p95/p99 per operation, the
RSS of the API process tree and the machine's load average, because other
work on the machine changes the figures. It uses its own database
`odyssey_bench_soak`, Redis database 7 and index prefix, and asserts nothing
about speed.
"""

import argparse
import math
import os
import random
import secrets
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bench.environment import use_bench_environment  # noqa: E402

CHILD_ENV = use_bench_environment(
    database="odyssey_bench_soak", redis_db=7, index_prefix="odyssey-bench-soak"
)

import httpx  # noqa: E402

from bench.memory import tree_rss_bytes  # noqa: E402
from bench.search_latency import build_queries, discover_facets, percentile  # noqa: E402
from cli import processes  # noqa: E402
from core.settings import Settings, get_settings  # noqa: E402

# Share of each operation in the mix.
OPERATION_WEIGHTS = {
    "search_anonymous": 0.50,
    "search_signed_in": 0.20,
    "bookmark_create": 0.10,
    "bookmark_status": 0.15,
    "login": 0.05,
}
EXPECTED_STATUS = {
    "search_anonymous": 200,
    "search_signed_in": 200,
    "bookmark_create": 201,
    "bookmark_status": 200,
    "login": 200,
}
# Status changes go back and forth along transitions that tracking.status
# allows without a pull request URL.
NEXT_STATUS = {"to_do": "in_progress", "in_progress": "to_do"}
CLIENT_THREADS = 32
RSS_SAMPLE_INTERVAL = 5.0
REQUEST_TIMEOUT = 30.0
# uvicorn closes idle connections after 5 s (its timeout_keep_alive default).
# The client drops them sooner, so it never sends on a connection the server
# is closing, which would fail with a reset that the API did not cause.
CLIENT_LIMITS = httpx.Limits(keepalive_expiry=2.0)
MIB = 1024 * 1024
# Issue ids fetched for bookmarking, at most.
MAX_BOOKMARK_CANDIDATES = 1000


@dataclass
class SimulatedUser:
    email: str
    password: str
    address: str
    access_token: str = ""
    # Bookmark id -> current status.
    bookmarks: dict[int, str] = field(default_factory=dict)
    candidates: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def headers(self, signed_in: bool) -> dict[str, str]:
        headers = {"X-Real-IP": self.address}
        if signed_in:
            headers["Authorization"] = f"Bearer {self.access_token}"
        return headers


@dataclass(frozen=True)
class Sample:
    minute: int
    operation: str
    latency_ms: float
    ok: bool
    status: int


@dataclass
class SoakState:
    base_url: str
    users: list[SimulatedUser]
    queries: list[list[tuple[str, str]]]
    samples: list[Sample] = field(default_factory=list)
    error_examples: Counter = field(default_factory=Counter)
    max_lag: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def production_env(port: int, workers: int) -> dict[str, str]:
    """Settings of the API child: the defaults of core.settings for the cache
    and the rate limits, set explicitly so an exported override is ignored."""
    defaults = Settings.model_fields
    return {
        **CHILD_ENV,
        "ODYSSEY_JWT_SECRET": secrets.token_urlsafe(48),
        "SEARCH_CACHE_TTL": str(defaults["search_cache_ttl"].default),
        "RATE_LIMIT_ANONYMOUS_PER_MINUTE": str(
            defaults["rate_limit_anonymous_per_minute"].default
        ),
        "RATE_LIMIT_USER_PER_MINUTE": str(defaults["rate_limit_user_per_minute"].default),
        "TRUSTED_PROXIES": "127.0.0.1,::1",
        "GRAPHQL_INTROSPECTION": "false",
        "GRAPHQL_IDE": "false",
        "LOG_LEVEL": "WARNING",
        "ODYSSEY_API_PORT": str(port),
    }


def register_users(client: httpx.Client, count: int, run_id: str) -> list[SimulatedUser]:
    users = []
    for number in range(count):
        user = SimulatedUser(
            email=f"soak-{run_id}-{number}@example.org",
            password=secrets.token_urlsafe(18),
            # Documentation range (RFC 5737), so no address is a real client's.
            address=f"198.51.100.{number % 250 + 1}",
        )
        response = client.post(
            "/v1/auth/register",
            json={
                "email": user.email,
                "password": user.password,
                "display_name": f"Soak {number}",
            },
            headers=user.headers(signed_in=False),
        )
        response.raise_for_status()
        user.access_token = response.json()["tokens"]["access_token"]
        users.append(user)
    return users


def bookmark_candidates(client: httpx.Client) -> list[str]:
    """Page through the searchable issues and return their ids."""
    ids: list[str] = []
    cursor = None
    while len(ids) < MAX_BOOKMARK_CANDIDATES:
        params: dict[str, str | int] = {"size": 100, "sort": "newest"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/v1/search", params=params, headers={"X-Real-IP": "198.51.100.254"})
        page.raise_for_status()
        body = page.json()
        ids += [hit["id"] for hit in body["hits"]]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    return ids


def choose_operation(user: SimulatedUser, operation: str) -> str:
    """Replace a bookmark operation that the user has nothing left for."""
    if operation == "bookmark_create" and not user.candidates:
        operation = "bookmark_status"
    if operation == "bookmark_status" and not user.bookmarks:
        operation = "bookmark_create" if user.candidates else "search_signed_in"
    return operation


def run_operation(
    client: httpx.Client, state: SoakState, user: SimulatedUser, operation: str, rng: random.Random
) -> tuple[int, str]:
    """Send one request of `operation` (after `choose_operation`) as `user`;
    return the status and body."""
    if operation in ("search_anonymous", "search_signed_in"):
        params = rng.choice(state.queries)
        response = client.get(
            "/v1/search",
            params=params,
            headers=user.headers(signed_in=operation == "search_signed_in"),
        )
    elif operation == "bookmark_create":
        issue_id = user.candidates.pop()
        response = client.post(
            "/v1/bookmarks", json={"issue_id": issue_id}, headers=user.headers(signed_in=True)
        )
        if response.status_code == 201:
            user.bookmarks[response.json()["id"]] = "to_do"
    elif operation == "bookmark_status":
        bookmark_id = rng.choice(sorted(user.bookmarks))
        target = NEXT_STATUS[user.bookmarks[bookmark_id]]
        response = client.put(
            f"/v1/bookmarks/{bookmark_id}",
            json={"status": target},
            headers=user.headers(signed_in=True),
        )
        if response.status_code == 200:
            user.bookmarks[bookmark_id] = target
    else:
        response = client.post(
            "/v1/auth/login",
            json={"email": user.email, "password": user.password},
            headers=user.headers(signed_in=False),
        )
        if response.status_code == 200:
            user.access_token = response.json()["access_token"]
    return response.status_code, response.text


def pick_user(state: SoakState, rng: random.Random) -> SimulatedUser:
    """Lock and return a user with no request in flight, so one user's
    requests never race each other; wait for one if all are busy."""
    order = list(state.users)
    rng.shuffle(order)
    for user in order:
        if user.lock.acquire(blocking=False):
            return user
    order[0].lock.acquire()
    return order[0]


def client_loop(
    state: SoakState, started: float, deadline: float, next_index: list[int], cap: int, rate: float
) -> None:
    names = list(OPERATION_WEIGHTS)
    weights = list(OPERATION_WEIGHTS.values())
    with httpx.Client(
        base_url=state.base_url, timeout=REQUEST_TIMEOUT, limits=CLIENT_LIMITS
    ) as client:
        while True:
            with state.lock:
                index = next_index[0]
                next_index[0] += 1
            due = started + index / rate
            if index >= cap or due >= deadline:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            rng = random.Random(index)
            operation = rng.choices(names, weights)[0]
            user = pick_user(state, rng)
            sent = time.monotonic()
            operation = choose_operation(user, operation)
            try:
                status, body = run_operation(client, state, user, operation, rng)
            except httpx.HTTPError as error:
                status, body = 0, f"{type(error).__name__}: {error}"
            finally:
                user.lock.release()
            latency = (time.monotonic() - sent) * 1000
            ok = status == EXPECTED_STATUS[operation]
            sample = Sample(int((sent - started) // 60), operation, latency, ok, status)
            with state.lock:
                state.samples.append(sample)
                state.max_lag = max(state.max_lag, sent - due)
                if not ok:
                    state.error_examples[(operation, status, body[:160])] += 1


@dataclass(frozen=True)
class MachineSample:
    """The API tree's RSS in bytes and the 1-minute load average, at `at`
    seconds into the soak."""

    at: float
    rss: int
    load: float


def sample_machine(
    pid: int, stop: threading.Event, started: float, samples: list[MachineSample]
) -> None:
    while not stop.is_set():
        total, _ = tree_rss_bytes(pid)
        samples.append(MachineSample(time.monotonic() - started, total, os.getloadavg()[0]))
        stop.wait(RSS_SAMPLE_INTERVAL)


def percentiles(latencies: list[float]) -> str:
    if not latencies:
        return "-"
    return (
        f"p50 {statistics.median(latencies):7.1f}  p95 {percentile(latencies, 0.95):7.1f}  "
        f"p99 {percentile(latencies, 0.99):7.1f} ms"
    )


def report_block(
    title: str, samples: list[Sample], machine: list[MachineSample], seconds: float
) -> None:
    errors = sum(1 for sample in samples if not sample.ok)
    rate = len(samples) / seconds if seconds else 0.0
    share = 100 * errors / len(samples) if samples else 0.0
    mib = [entry.rss / MIB for entry in machine]
    memory = (
        f"API RSS mean {statistics.mean(mib):.0f} MiB, max {max(mib):.0f} MiB, "
        f"load average {statistics.mean(entry.load for entry in machine):.1f}"
        if machine
        else "API RSS -"
    )
    print(
        f"{title}: {len(samples)} requests ({rate:.1f}/s), {errors} errors "
        f"({share:.2f} %), {memory}"
    )
    by_operation: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_operation[sample.operation].append(sample)
    for operation in OPERATION_WEIGHTS:
        group = by_operation.get(operation, [])
        failed = sum(1 for sample in group if not sample.ok)
        latencies = [sample.latency_ms for sample in group]
        print(f"  {operation:<17} n {len(group):6d}  errors {failed:4d}  {percentiles(latencies)}")


def report(state: SoakState, machine: list[MachineSample], elapsed: float) -> None:
    minutes = max((sample.minute for sample in state.samples), default=-1) + 1
    for minute in range(minutes):
        samples = [sample for sample in state.samples if sample.minute == minute]
        window = [entry for entry in machine if minute * 60 <= entry.at < (minute + 1) * 60]
        seconds = min(60.0, elapsed - minute * 60)
        report_block(f"minute {minute + 1}", samples, window, seconds)
    report_block("total", state.samples, machine, elapsed)
    first = [entry.rss / MIB for entry in machine if entry.at < 60]
    last = [entry.rss / MIB for entry in machine if entry.at >= max(0.0, elapsed - 60)]
    if first and last:
        change = statistics.mean(last) - statistics.mean(first)
        print(
            f"API RSS first minute mean {statistics.mean(first):.0f} MiB, last minute "
            f"mean {statistics.mean(last):.0f} MiB, change {change:+.0f} MiB"
        )
    print(f"largest delay behind the request schedule: {state.max_lag:.2f} s")
    for (operation, status, body), count in state.error_examples.most_common(5):
        print(f"error example ({count}x): {operation} status {status}: {body}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument(
        "--max-requests", type=int, help="stop after this many requests (default: duration x rate)"
    )
    parser.add_argument(
        "--users", type=int, default=40, help="simulated users, each with an account"
    )
    parser.add_argument(
        "--generate", type=int, help="load this many generated records instead of the demo data"
    )
    parser.add_argument("--api-workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=58110, help="API port on 127.0.0.1")
    args = parser.parse_args()
    if args.rate <= 0 or args.duration <= 0:
        parser.error("--rate and --duration must be positive")
    cap = args.max_requests or math.ceil(args.duration * args.rate)

    from bench.indexing_throughput import run as load_issues
    from cli.demo import demo_data_path

    data_path = demo_data_path()
    if args.generate:
        from bench.generate_issues import generated_file

        data_path = generated_file(get_settings().stack_dir / "bench", data_path, args.generate)
    loaded = load_issues(data_path, workers=2, threads=4, timeout=3600.0)
    print(
        f"data: {data_path}; refresh {loaded['status']}, {loaded['issues_searchable']} searchable issues"
    )

    processes.require_free_port(args.port, "the soak test's API", "--port")
    api = processes.spawn(
        ["-m", "cli.main", "serve", "--port", str(args.port), "--workers", str(args.api_workers)],
        get_settings().stack_dir / "logs" / "bench-soak-api.log",
        production_env(args.port, args.api_workers),
    )
    base_url = f"http://127.0.0.1:{args.port}"
    try:
        processes.wait_for_port(args.port, 60, "the API", api)
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
            users = register_users(client, args.users, secrets.token_hex(4))
            candidates = bookmark_candidates(client)
            _, facets = discover_facets(base_url)
        for number, user in enumerate(users):
            user.candidates = candidates[number :: len(users)]
        state = SoakState(base_url, users, build_queries(facets, 300))
        print(
            f"soak: {args.duration:.0f} s at {args.rate:g} requests/s (cap {cap}), "
            f"{len(users)} users, {len(candidates)} issues to bookmark, "
            f"{args.api_workers} API workers"
        )
        stop = threading.Event()
        machine: list[MachineSample] = []
        started = time.monotonic()
        sampler = threading.Thread(
            target=sample_machine, args=(api.pid, stop, started, machine), daemon=True
        )
        sampler.start()
        next_index = [0]
        threads = [
            threading.Thread(
                target=client_loop,
                args=(state, started, started + args.duration, next_index, cap, args.rate),
            )
            for _ in range(CLIENT_THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join(RSS_SAMPLE_INTERVAL + 1)
        report(state, machine, elapsed)
    finally:
        processes.stop(api)


if __name__ == "__main__":
    main()
