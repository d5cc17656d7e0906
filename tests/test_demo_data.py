"""The recorded demo issues, fetched through the local GitHub by workers,
served with the same hit and facet counts as computed from the file.

The file is read from its place beside the repository. Where it is missing,
the generated sample is used instead, so the test runs on any machine.
"""

from cli.demo import demo_data_path
from fakes.github.server_thread import run_fake_github
from search_api.count_check import check_counts, load_expected
from tests.pipeline import github_url, run_refresh, running_worker


def test_demo_counts_match_the_file(capsys):
    path = demo_data_path()
    with run_fake_github(path) as github, github_url(github.graphql_url):
        with running_worker():
            progress = run_refresh(timeout=300)
    assert progress.status == "completed"
    assert progress.issues_indexed == len(load_expected(path))
    assert check_counts(path), capsys.readouterr().out


def test_generated_sample_stands_in_for_a_missing_file(tmp_path, monkeypatch, capsys):
    from core.settings import get_settings

    monkeypatch.setenv("ODYSSEY_DEMO_DATA", str(tmp_path / "missing.jsonl"))
    monkeypatch.setenv("ODYSSEY_STACK_DIR", str(tmp_path / "stack"))
    get_settings.cache_clear()
    path = demo_data_path()
    monkeypatch.undo()
    get_settings.cache_clear()
    assert path == tmp_path / "stack" / "demo" / "sample_issues.jsonl"
    expected = load_expected(path)
    assert len(expected) > 20
    with run_fake_github(path) as github, github_url(github.graphql_url):
        with running_worker():
            progress = run_refresh(timeout=300)
    assert progress.issues_indexed == len(expected)
    assert check_counts(path), capsys.readouterr().out
