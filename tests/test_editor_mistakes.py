"""Every mistake an editor or an operator can make ends in exit code 1 or 2 with a message that
names the file (and line) or the option, and what to do — never exit 3, never a traceback.

Each case was a crash (exit 3) or a silent misbehaviour once; they run on the tests' own small
project through click's runner, or as a real process where the process is the point (a port
in use, a full standard output). The property tests throw many values at one option each.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oxigraph_server import HOST, free_port

from sdglod.cli import cli
from sdglod.errors import ExitCode, SdglodError
from sdglod.project import BASE_ENV
from sdglod.publish import PublishError, Target
from sdglod.web.config import ServerConfig

MINI = Path(__file__).parent / "fixtures" / "mini-project"
SDGLOD = str(Path(sys.executable).with_name("sdglod"))
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh, unbuilt copy of the small project."""
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project, built once for this module (commands here only read it)."""
    folder = Path(shutil.copytree(MINI, tmp_path_factory.mktemp("built") / "mini"))
    assert run(folder, "build").exit_code == ExitCode.OK
    return folder


def run(project: Path, *args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], input=stdin)


def no_crash(result: Result) -> None:
    assert result.exit_code != ExitCode.INTERNAL, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


def refused(result: Result, *names: str) -> None:
    """Exit 2, without a traceback, with each of ``names`` in the message."""
    no_crash(result)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    for name in names:
        assert name in result.output, (name, result.output)


def write_config(project: Path, text: str) -> None:
    (project / "sdglod.toml").write_text(text, encoding="utf-8")


GRAPHS = '[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\n'


# --- 1. sdglod.toml ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ("base = 42\n" + GRAPHS, "sdglod.toml:1"),
        ("graphs = 3\n", "sdglod.toml:1"),
        ('[[graphs]]\nname = 5\nfiles = ["data/*.ttl"]\n', "sdglod.toml:2"),
        ("[jsonld]\nvocab = 5\n" + GRAPHS, "sdglod.toml:2"),
        ('[jsonld]\nvocab = "terms/"\n' + GRAPHS, "sdglod.toml:2"),
        ('[prefixes]\nex = "not an iri"\n' + GRAPHS, "sdglod.toml:2"),
        ('[prefixes]\nex = "http://[::1/"\n' + GRAPHS, "sdglod.toml:2"),
        ('[prefixes]\n"a b" = "https://e.org/"\n' + GRAPHS, "sdglod.toml:2"),
        ('base = "javascript:alert(1)/"\n' + GRAPHS, "sdglod.toml:1"),
        ("[[graphs]\n", "sdglod.toml:1:9"),
    ],
)
def test_a_wrong_configuration_stops_build_at_its_line(project, config, where):
    write_config(project, config)
    result = run(project, "build")
    refused(result, where)
    assert not (project / "dist").exists()  # nothing written


def test_a_configuration_that_is_not_utf8_names_its_line(project):
    (project / "sdglod.toml").write_bytes(b'base = "https://e.org/"\n# caf\xe9\n' + GRAPHS.encode())
    refused(run(project, "info"), "sdglod.toml:2", "UTF-8")


CONFIG_VALUES = {
    "base": "base = {}\n" + GRAPHS,
    "vocab": "[jsonld]\nvocab = {}\n" + GRAPHS,
    "prefix": "[prefixes]\nex = {}\n" + GRAPHS,
    "prefix name": '[prefixes]\n{} = "https://example.org/ns#"\n' + GRAPHS,
    "graph iri": GRAPHS + "iri = {}\n",
    "graph name": '[[graphs]]\nname = {}\nfiles = ["data/*.ttl"]\n',
}


@FUZZ
@given(st.sampled_from(sorted(CONFIG_VALUES)), st.text(max_size=30))
def test_any_configured_value_builds_or_is_refused_at_its_line(project, key, value):
    write_config(project, CONFIG_VALUES[key].format(json.dumps(value)))
    result = run(project, "build")
    no_crash(result)
    if result.exit_code == ExitCode.BAD_INPUT:
        refused(result, "sdglod.toml")


# --- 2. where output goes ---------------------------------------------------------------------


def unwritable_paths(tmp_path: Path) -> list[tuple[str, str]]:
    """Paths no one (root included) can write, and what the message says."""
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    return [
        ("/nonexistent-sdglod/x.out", "No such file or directory"),
        (str(a_file / "x.out"), "Not a directory"),
        ("/proc/sdglod-x.out", "No such file or directory"),
        ("/sys/sdglod-x.out", "ermission denied"),
    ]


@pytest.mark.parametrize("command", [["dump"], ["validate"], ["validate", "--format", "json"]])
def test_an_unwritable_output_file_is_exit_2_naming_it(built, tmp_path, command):
    for path, reason in unwritable_paths(tmp_path):
        refused(run(built, *command, "-o", path), path, reason, "hint:")
    refused(run(built, *command, "-o", ""), "-o is empty")
    refused(run(built, *command, "-o", str(tmp_path)), "--output", "is a directory")
    assert not list(tmp_path.glob(".*.partial"))


def test_a_dump_into_a_pipe_writes_the_pipe_and_leaves_it_one(built, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = bytearray()
    reader = threading.Thread(target=lambda: received.extend(pipe.read_bytes()), daemon=True)
    reader.start()
    result = run(built, "dump", "-o", str(pipe))
    reader.join(timeout=30)
    assert result.exit_code == ExitCode.OK, result.output
    assert b"schema:Event" in received or b"schema.org" in received
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # not replaced by a regular file


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["info"], ["dump"], ["sparql", "ASK {}"], ["validate"]])
def test_a_full_standard_output_is_exit_2_not_a_traceback(built, command):
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [SDGLOD, "--project", str(built), *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_the_machine_refusing_a_write_is_exit_2_a_bug_is_still_3(project, monkeypatch):
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(project / ".sdglod" / "x"))

    monkeypatch.setattr("sdglod.cli.build.run_build", full)
    refused(run(project, "build"), ".sdglod/x", "No space left on device", "free some disk space")

    def bug(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr("sdglod.cli.build.run_build", bug)
    assert run(project, "build").exit_code == ExitCode.INTERNAL


def test_export_static_refuses_a_folder_it_would_wrongly_empty(built, tmp_path):
    sources = sorted(p.relative_to(built) for p in built.rglob("*") if ".sdglod" not in p.parts)
    refused(run(built, "export-static", str(built)), "not empty", "the project itself")
    refused(run(built, "export-static", str(built / "data")), "not empty")
    refused(run(built, "export-static", str(tmp_path.parent)), "not empty")
    assert sorted(p.relative_to(built) for p in built.rglob("*") if ".sdglod" not in p.parts) == (
        sources
    )
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    refused(run(built, "export-static", str(a_file)), "is a file")
    refused(run(built, "export-static", "/proc/sdglod-site"), "/proc/sdglod-site", "hint:")
    refused(run(built, "export-static", "/sys/sdglod-site"), "/sys/sdglod-site", "hint:")


def test_export_static_writes_a_new_an_empty_or_an_earlier_export_folder(built, tmp_path):
    site = tmp_path / "site"
    assert run(built, "export-static", str(site)).exit_code == ExitCode.OK
    (site / "left-over.html").write_text("old", encoding="utf-8")
    again = run(built, "export-static", str(site))
    assert again.exit_code == ExitCode.OK, again.output
    assert not (site / "left-over.html").exists() and (site / "index.html").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(built, "export-static", str(empty)).exit_code == ExitCode.OK


# --- 3. the base IRI --------------------------------------------------------------------------

BAD_BASES = [
    "javascript:alert(1)/",
    "file:///srv/",
    "data:,x/",
    "ftp://example.org/",
    "https://",
    "http:/example.org/",
    "https://exa mple.org/",
    "https://example.org/a b/",
    "https://example.org/\x01/",
    "https://[::1/",
    "https://example.org:99999/",
    "https://example.org/no-slash",
    "",
]


@pytest.mark.parametrize("base", BAD_BASES)
def test_a_base_that_is_no_web_address_is_refused_by_its_option(project, base, monkeypatch):
    refused(run(project, "--base", base, "build"), "--base", "hint:")
    monkeypatch.setenv(BASE_ENV, base or " ")
    refused(run(project, "build"), f"${BASE_ENV}")
    monkeypatch.delenv(BASE_ENV)
    write_config(project, f"base = {json.dumps(base)}\n" + GRAPHS)
    refused(run(project, "build"), "sdglod.toml:1", "`base`")
    assert not (project / "dist").exists()


def test_a_control_character_in_a_message_is_shown_escaped(project):
    result = run(project, "--base", "https://e.org/\x1b[31m/", "info")
    refused(result, "\\x1b")
    assert "\x1b" not in result.output


@FUZZ
@given(st.text(max_size=40))
def test_any_base_is_taken_or_refused_never_a_crash(built, base):
    result = run(built, "--base", base, "queries")
    no_crash(result)
    if result.exit_code == ExitCode.OK:
        assert base.startswith(("http://", "https://")) and base.endswith(("/", "#"))
    else:
        refused(result, "--base")


# --- 4. sdglod serve --------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[ServerConfig, socket.socket, int]]:
    """``serve`` up to the point where uvicorn would start: what it would have served, on
    which listening socket (its port) and with how many workers."""
    calls: list[tuple[ServerConfig, socket.socket, int]] = []

    def record(config: ServerConfig, listener: socket.socket, workers: int = 1) -> None:
        assert listener.getsockname()[1] != 0
        calls.append((config, listener, workers))

    monkeypatch.setattr("sdglod.web.server.run", record)
    return calls


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--port", "99999"], "--port"),
        (["--port", "-1"], "--port"),
        (["--workers", "0"], "--workers"),
        (["--query-workers", "0"], "--query-workers"),
        (["--timeout", "0"], "--timeout"),
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "nan"], "--timeout"),
        (["--timeout", "inf"], "--timeout"),
        (["--row-limit", "0"], "--row-limit"),
        (["--row-limit", "99999999999999999999"], "--row-limit"),
        (["--cache-entries", "-1"], "--cache-entries"),
        (["--host", ""], "--host"),
        (["--host", "no-such-host.invalid"], "--host"),
        (["--host", "999.1.1.1"], "--host"),
        (["--host", "a" * 70], "--host"),
        (["--allow-service", "not-a-url"], "--allow-service"),
        (["--backend", "not-a-url"], "--backend"),
        (["--backend", "http://[::1"], "--backend"),
        (["--backend", ""], "--backend"),
    ],
)
def test_serve_refuses_an_option_that_cannot_work_by_its_name(built, started, options, named):
    refused(run(built, "serve", *options), named)
    assert started == []


def test_serve_refuses_a_backend_that_does_not_answer(built, started):
    closed = f"http://{HOST}:{free_port()}/query"
    refused(run(built, "serve", "--backend", closed), "cannot reach", closed)
    assert started == []


def test_serve_listens_where_it_says(built, started):
    result = run(built, "serve", "--port", "0", "--timeout", "2.5", "--row-limit", "7")
    assert result.exit_code == ExitCode.OK, result.output
    ((config, listener, workers),) = started
    assert re.search(r"at http://127\.0\.0\.1:[1-9]\d*/sparql", result.output), result.output
    assert (config.timeout, config.row_limit, workers) == (2.5, 7, 1)
    assert listener.fileno() == -1  # closed once the server stops


def test_serve_on_a_port_in_use_exits_2_naming_the_port(built):
    with socket.socket() as occupant:
        occupant.bind((HOST, 0))
        occupant.listen()
        port = str(occupant.getsockname()[1])
        done = subprocess.run(
            [SDGLOD, "--project", str(built), "serve", "--host", HOST, "--port", port],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == ExitCode.BAD_INPUT, done.stdout + done.stderr
    assert f"--port {port}" in done.stderr and "in use" in done.stderr
    assert "Traceback" not in done.stderr


@FUZZ
@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_any_port_is_listened_on_or_refused_by_name(built, started, port):
    result = run(built, "serve", "--host", HOST, "--port", str(port))
    no_crash(result)
    if not 0 <= port <= 65535:
        refused(result, "--port")
    elif result.exit_code != ExitCode.OK:  # in use, or privileged for this user
        refused(result, f"--port {port}")


SERVE_OPTIONS = ["--timeout", "--row-limit", "--cache-entries", "--workers", "--query-workers"]


@FUZZ
@given(st.sampled_from(SERVE_OPTIONS), st.text(max_size=12))
def test_any_value_of_a_serve_limit_is_taken_or_refused_by_name(built, started, option, value):
    result = run(built, "serve", "--port", "0", option, value)
    no_crash(result)
    if result.exit_code != ExitCode.OK:
        refused(result, option)


@pytest.mark.parametrize(
    "limits", [{"timeout": 0.0}, {"timeout": float("nan")}, {"row_limit": 0}, {"query_workers": 0}]
)
def test_a_server_configuration_that_would_refuse_every_request_is_an_error(tmp_path, limits):
    with pytest.raises(SdglodError, match="give a"):
        ServerConfig(project_root=tmp_path, **limits)


# --- 5. sdglod publish ------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "inf", "soon"])
def test_publish_refuses_a_timeout_that_is_no_time_limit(built, timeout):
    url = f"http://{HOST}:{free_port()}"
    result = run(
        built, "publish", "--endpoint", f"{url}/query", "--graph-store", f"{url}/store",
        "--timeout", timeout,
    )  # fmt: skip
    refused(result, "--timeout")
    assert "publishing to" not in result.output  # refused before any request


def test_publish_refuses_urls_that_do_not_parse_without_showing_a_password(built):
    result = run(
        built, "publish", "--endpoint", "http://editor:s3cret@[::1/query",
        "--graph-store", "http://127.0.0.1:1/store",
    )  # fmt: skip
    refused(result, "--endpoint")
    assert "s3cret" not in result.output


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://editor:s3cret@[::1/q", "http://h:99999/q", "ftp://h/q"]
)
def test_a_publish_target_from_the_library_refuses_bad_urls_without_the_password(url):
    with pytest.raises(PublishError, match="--endpoint") as refused:
        Target.create(url, graph_store="http://127.0.0.1:1/s", timeout=5)
    assert "s3cret" not in str(refused.value)


def test_a_publish_target_checks_its_time_limit():
    for timeout in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(PublishError, match="--timeout"):
            Target.create(
                "http://127.0.0.1:1/q", graph_store="http://127.0.0.1:1/s", timeout=timeout
            )


# --- 6. sdglod sparql and query ---------------------------------------------------------------

SERVICE_QUERY = "PREFIX x: <{url}>\nSELECT * WHERE {{\n  SERVICE x:sparql {{ ?s ?p ?o }}\n}}\n"


def test_sparql_refuses_service_unless_allowed(built, tmp_path):
    url = f"http://{HOST}:{free_port()}/"
    query = tmp_path / "federated.rq"
    query.write_text(SERVICE_QUERY.format(url=url), encoding="utf-8")
    refused(run(built, "sparql", str(query)), f"{query}:3:3", f"--allow-service {url}sparql")
    refused(run(built, "sparql", "SELECT * { SERVICE ?where { ?s ?p ?o } }"), "variable")
    # Allowed, the request is made; a store that is not there is exit 2 too.
    tried = run(built, "sparql", str(query), "--allow-service", f"{url}sparql")
    refused(tried, "cannot run")
    silent = run(built, "sparql", "--allow-service", f"{url}sparql", "--format", "json",
                 SERVICE_QUERY.format(url=url).replace("SERVICE", "SERVICE SILENT"))  # fmt: skip
    assert silent.exit_code == ExitCode.OK, silent.output


def test_a_canned_query_with_service_is_refused_unless_allowed(project):
    assert run(project, "build").exit_code == ExitCode.OK
    header = "".join(f"#+ {key}: F\n" for key in ("title@lv", "title@en", "description@lv"))
    text = (
        header + "#+ description@en: F\nSELECT * WHERE {\n  SERVICE SILENT <{url}> { ?s ?p ?o } }\n"
    )
    url = f"http://{HOST}:{free_port()}/sparql"
    (project / "queries" / "federated.rq").write_text(text.replace("{url}", url), encoding="utf-8")
    refused(run(project, "query", "federated"), "federated.rq:6:3", f"--allow-service {url}")
    allowed = run(project, "query", "federated", "--allow-service", url)
    assert allowed.exit_code == ExitCode.OK, allowed.output


@pytest.mark.parametrize(
    ("content", "in_file", "on_stdin"),
    [
        (b"SELECT * WHERE {\n  ?s ?p \xff }", ":2: the query is not UTF-8", "standard input:2:"),
        (bytes(range(256)), ":2: the query is not UTF-8", "standard input:2:"),
        (b"", ": the query is empty", "the query is empty"),
        (b"  \n\t\n", ": the query is empty", "the query is empty"),
    ],
)
def test_a_query_file_that_holds_no_query_text_names_the_file(
    built, tmp_path, content, in_file, on_stdin
):
    query = tmp_path / "q.rq"
    query.write_bytes(content)
    refused(run(built, "sparql", str(query)), f"{query}{in_file}")
    refused(run(built, "sparql", "-", stdin=content), on_stdin)


def test_sparql_arguments_that_are_no_query(built, tmp_path):
    refused(run(built, "sparql", str(tmp_path)), "is a folder")
    refused(run(built, "sparql", "no-such-file.rq"), "no file named")
    refused(run(built, "sparql", ""), "the query is empty")
    refused(run(built, "sparql", "ASK {}", "--endpoint", ""), "--endpoint")
    refused(run(built, "sparql", "ASK {}", "--endpoint", "http://[::1"), "--endpoint")
    # Query text longer than a file name may be was taken for a path and crashed.
    long = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 400
    assert run(built, "sparql", long).exit_code == ExitCode.OK


def test_an_empty_project_option_is_not_the_current_folder():
    refused(CliRunner().invoke(cli, ["--project", "", "info"]), "--project", "empty")


# --- 7. anything else, thrown at every option --------------------------------------------------


@FUZZ
@given(st.text(max_size=60))
def test_any_sparql_text_is_answered_or_refused(built, text):
    no_crash(run(built, "sparql", text))


@FUZZ
@given(
    st.sampled_from(["--param", "--lang", "--width", "--format", "--endpoint", "--allow-service"]),
    st.text(max_size=30),
)
def test_any_value_of_a_query_option_is_taken_or_refused(built, option, value):
    if option == "--param":
        value = "lang=" + value
    no_crash(run(built, "query", "events", option, value))


@FUZZ
@given(st.sampled_from(["dump", "validate"]), st.sampled_from(["--format", "--lang"]), st.text())
def test_any_format_or_language_is_taken_or_refused(built, command, option, value):
    if command == "dump" and option == "--lang":
        option = "--format"
    result = run(built, command, option, value)
    no_crash(result)
    assert result.exit_code in (ExitCode.OK, ExitCode.BAD_INPUT), result.output
