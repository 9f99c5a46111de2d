"""``sdglod new KIND SLUG``: a skeleton derived from the shapes, whose placeholders validation
lists exactly (one result each, at its line) in every project; slugs; refusals that write
nothing; and docs/adding-data.md followed on a copy of the real project, to a build that holds
the new event."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, assemble_project, copy_project
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from sdglod.build import current_build
from sdglod.cli import cli
from sdglod.project import load_project
from sdglod.validation.placeholders import PLACEHOLDER, is_placeholder
from sdglod.validation.skeleton_file import (
    SLUG,
    SkeletonError,
    check_slug,
    kinds,
    new_resource,
    slug_problem,
    suggest_slug,
)
from sdglod.validation.validate import load_shapes, validate_project
from sdglod.web.app import create_app
from sdglod.web.config import ServerConfig

DOC = REPO / "docs" / "adding-data.md"
MAIN_KINDS = ("event", "outcome", "organization", "person")


def sdglod(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args])


def mini(destination: Path) -> Path:
    """The tests' mini project: its own shapes (one node shape), no ontology."""
    return Path(shutil.copytree(FIXTURES / "mini-project", destination))


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("new-real") / "project")


# --- the skeleton lists exactly its placeholders, in every project ------------------------------


def assert_exactly_the_placeholders(root: Path, kind: str, slug: str) -> int:
    """Write a skeleton; validating its file gives one placeholder result per placeholder, at
    its line, and nothing else about the new resource. Returns how many there are."""
    project = load_project(root)
    skeleton = new_resource(project, kind, slug)
    report = validate_project(project, [skeleton.path])
    mine = [r for r in report.results if r.focus_node.startswith(skeleton.iri)]
    assert {r.rule for r in mine} <= {PLACEHOLDER}, (kind, [r.rule for r in mine])
    found = sorted((r.file, r.line) for r in mine)
    assert found == sorted((skeleton.relpath, p.line) for p in skeleton.placeholders), kind
    assert skeleton.placeholders, kind
    return len(skeleton.placeholders)


@pytest.mark.parametrize("name", ["real", "multi-event", "mini-project"])
def test_every_kind_lists_exactly_its_placeholders(name, tmp_path):
    if name == "real":
        root = copy_project(tmp_path / "project")
    elif name == "mini-project":
        root = mini(tmp_path / "project")
    else:
        root = assemble_project(name, tmp_path / "project")
    available = kinds(load_shapes(load_project(root)))
    wanted = sorted(available) if name == "real" else [k for k in MAIN_KINDS if k in available]
    assert wanted == (["event"] if name == "mini-project" else wanted)
    if name != "mini-project":
        assert set(MAIN_KINDS) <= set(wanted)
    total = sum(assert_exactly_the_placeholders(root, kind, f"zz-new-{kind}") for kind in wanted)
    # And nothing else anywhere: the whole project fails by the placeholders only.
    report = validate_project(load_project(root))
    assert [r.rule for r in report.results] == [PLACEHOLDER] * total


def test_the_event_skeleton_is_what_the_shapes_demand(real):
    result = sdglod(real, "new", "event", "zz-skeleton-event")
    assert result.exit_code == 0, result.output
    text = (real / "data" / "events.ttl").read_text(encoding="utf-8")
    block = text[text.index("event:zz-skeleton-event\n") :]
    assert block.startswith("event:zz-skeleton-event\n    a schema:Event ;\n")
    lines = block.splitlines()
    expected = {  # placeholder: what the comment above it says (the shapes' messages)
        '"TODO: name (lv)"@lv': ["The resource has no Latvian name", "Resursam nav nosaukuma lat"],
        '"TODO: name (en)"@en': ["The resource has no English name", "nosaukuma angļu valodā"],
        '"TODO: startDate, YYYY-MM-DD"^^xsd:date': ["needs a start date", "jānorāda sākuma"],
        "<TODO:source>": ["where its facts come from", "nav norādīts avots"],
    }
    statements = [line for line in lines if line.startswith("    ") and "TODO" in line]
    required = [line for line in statements if not line.lstrip().startswith("#")]
    assert [line.split(" ", 5)[-1].removesuffix(" ;") for line in required] == list(expected)
    for value, phrases in expected.items():
        (at,) = [n for n, line in enumerate(lines) if line.endswith(f" {value} ;")]
        above = []
        for line in reversed(lines[:at]):
            if not line.lstrip().startswith("#"):
                break
            above.append(line)
        comment = " ".join(line.strip(" #") for line in above)
        assert all(phrase in comment for phrase in phrases), (value, comment)
    # What the shapes check but do not require is there, commented out.
    for optional in ("schema:endDate", "schema:organizer", "sdglod:partner", "schema:location"):
        assert any(line.startswith(f"    # {optional} ") for line in lines), optional
    assert lines[-1] == "    ."
    # The IRI follows the project's base: relative in the file, as data/ writes IRIs.
    store_iri = "https://w3id.org/sdglod/id/event/zz-skeleton-event"
    project = load_project(real)
    assert any(r.focus_node == store_iri for r in validate_project(project, []).results)


def test_an_outcome_brings_its_first_target_link(real):
    result = sdglod(real, "new", "outcome", "zz-skeleton-outcome-1")
    assert result.exit_code == 0, result.output
    text = (real / "data" / "outcomes.ttl").read_text(encoding="utf-8")
    assert "    sdglod:hasTargetLink <id/outcome/zz-skeleton-outcome-1#TODO> ;" in text
    part = text[text.index("<id/outcome/zz-skeleton-outcome-1#TODO>\n") :]
    assert part.startswith("<id/outcome/zz-skeleton-outcome-1#TODO>\n    a sdglod:TargetLink")
    for line in ('sdglod:rationale "TODO: rationale (lv)"@lv ;', "sdglod:target <TODO:target> ;"):
        assert f"\n    {line}\n" in part
    assert "a sdglod:Outcome, schema:CreativeWork ;" in text  # the ontology's parent class too


def test_a_new_shape_changes_the_skeleton_and_a_new_class_is_a_new_kind(tmp_path):
    root = mini(tmp_path / "project")
    shapes = root / "shapes" / "event.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8").replace(
            "sh:property mini:Event-name, mini:Event-dates .",
            "sh:property mini:Event-name, mini:Event-dates, mini:Event-url .",
        )
        + """
mini:Event-url
    a sh:PropertyShape ;
    sh:path schema:url ;
    sh:minCount 1 ;
    sh:nodeKind sh:IRI ;
    sh:message "Pasākumam vajag tīmekļa adresi."@lv, "An event needs a web address."@en .

mini:Exhibition
    a sh:NodeShape ;
    sh:targetClass schema:ExhibitionEvent ;
    sh:property mini:Exhibition-date .

mini:Exhibition-date
    a sh:PropertyShape ;
    sh:path schema:startDate ;
    sh:minCount 1 ;
    sh:datatype xsd:date ;
    sh:message "Izstādei vajag sākuma datumu."@lv, "An exhibition needs a start date."@en .
""",
        encoding="utf-8",
    )
    result = sdglod(root, "new", "event", "open-day")
    assert result.exit_code == 0, result.output
    assert "    # en: An event needs a web address.\n    schema:url <TODO:url> ;" in (
        root / "data" / "events.ttl"
    ).read_text(encoding="utf-8")
    result = sdglod(root, "new", "exhibition-event", "spring-show")
    assert result.exit_code == 0, result.output
    assert re.match(
        r"created \S*data/exhibition-events\.ttl: exhibition-event:spring-show ", result.output
    )
    created = (root / "data" / "exhibition-events.ttl").read_text(encoding="utf-8")
    assert "    a schema:ExhibitionEvent ;" in created
    assert 'schema:startDate "TODO: startDate, YYYY-MM-DD"^^xsd:date ;' in created
    assert "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ." in created
    assert_exactly_the_placeholders(root, "exhibition-event", "autumn-show")


@pytest.mark.parametrize("base", ["https://data.example.org/", "https://data.example.org/ns#"])
def test_the_iri_follows_the_base_the_project_publishes_under(tmp_path, base):
    root = mini(tmp_path / "project")
    result = CliRunner().invoke(cli, ["--project", str(root), "--base", base, "new", "event", "x"])
    assert result.exit_code == 0, result.output
    report = validate_project(load_project(root, base), [root / "data" / "events.ttl"])
    assert {r.focus_node for r in report.results} == {f"{base}id/event/x"}
    again = CliRunner().invoke(cli, ["--project", str(root), "--base", base, "new", "event", "x"])
    assert again.exit_code == 2 and "already described" in again.output


def test_a_prefix_the_file_lacks_is_declared_with_the_others(real):
    target = real / "data" / "zz-outcomes.ttl"
    target.write_text(
        "# An editor's file.\n\n@prefix schema: <http://schema.org/> .\n", encoding="utf-8"
    )
    result = sdglod(real, "new", "outcome", "zz-prefixes-1", "--file", str(target))
    assert result.exit_code == 0, result.output
    head = target.read_text(encoding="utf-8").split("\n\n")[1].splitlines()
    assert head[0] == "@prefix schema: <http://schema.org/> ."
    assert "@prefix outcome: <id/outcome/> ." in head  # relative, as data/ writes them
    assert "@prefix prov: <http://www.w3.org/ns/prov#> ." in head


def test_validating_one_file_checks_it_in_the_context_of_the_project(real):
    assert sdglod(real, "new", "person", "zz-context-person").exit_code == 0
    assert sdglod(real, "new", "campaign", "zz-context-campaign").exit_code == 0
    people = sdglod(real, "validate", str(real / "data" / "people.ttl"), "--format", "json")
    assert people.exit_code == 1
    assert "zz-context-person" in people.output and "zz-context-campaign" not in people.output


# --- slugs -------------------------------------------------------------------------------------


@given(st.from_regex(SLUG, fullmatch=True))
def test_a_slug_is_kept_as_it_is(slug):
    assert slug_problem(slug) is None
    assert check_slug(slug) == slug
    assert suggest_slug(slug) == slug


@given(st.text(max_size=40))
def test_anything_else_is_refused_with_a_slug_to_use_instead(text):
    assume(slug_problem(text) is not None)
    assert not SLUG.match(text)
    with pytest.raises(SkeletonError) as refused:
        check_slug(text)
    suggestion = suggest_slug(text)
    assert suggestion == "" or SLUG.match(suggestion)
    assert suggest_slug(suggestion) == suggestion
    hint = refused.value.hint or ""
    assert repr(suggestion) in hint if suggestion else "lowercase letters" in hint


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Piemēra pilsētas bibliotēka", "piemera-pilsetas-biblioteka"),
        ("Ģirts Ķēniņš", "girts-kenins"),
        ("Eesti Raamatukoguhoidjate Ühing", "eesti-raamatukoguhoidjate-uhing"),
        ("Lietuvos muziejų asociacija", "lietuvos-muzieju-asociacija"),
        ("Łódź -- 2031!", "lodz-2031"),
        ("Reading_Day 2031", "reading-day-2031"),
    ],
)
def test_names_become_the_slugs_data_readme_asks_for(text, slug):
    assert suggest_slug(text) == slug


@pytest.fixture(scope="module")
def mini_project(tmp_path_factory) -> Path:
    return mini(tmp_path_factory.mktemp("new-mini") / "project")


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=30).filter(lambda t: "\x00" not in t))
def test_the_command_refuses_a_bad_slug_and_writes_nothing(mini_project, text):
    assume(slug_problem(text) is not None)
    before = (mini_project / "data" / "events.ttl").read_bytes()
    result = sdglod(mini_project, "new", "event", "--", text)
    assert result.exit_code == 2, result.output
    assert "is not a slug" in result.output and "Traceback" not in result.output
    assert (mini_project / "data" / "events.ttl").read_bytes() == before
    assert sorted(p.name for p in (mini_project / "data").iterdir()) == ["events.ttl"]


# --- refusals: exit 2 with the reason, nothing written --------------------------------------


def test_an_existing_resource_is_never_overwritten(real):
    before = (real / "data" / "events.ttl").read_bytes()
    result = sdglod(real, "new", "event", "baltic-sdg-2021")
    assert result.exit_code == 2
    assert re.search(
        r"data/events\.ttl:\d+: <\S+/id/event/baltic-sdg-2021> is already", result.output
    )
    assert "choose another slug" in result.output
    assert (real / "data" / "events.ttl").read_bytes() == before


@pytest.mark.parametrize(
    "kind, says",
    [
        ("organisation", "did you mean 'organization'?"),
        ("exhibition", "kinds (the classes the shapes target): campaign, country"),
        ("target-link", "writes one with the outcome"),
        ("goal", "the UN's own IRIs"),
    ],
)
def test_a_kind_the_shapes_do_not_make_is_refused(real, kind, says):
    result = sdglod(real, "new", kind, "zz-refused")
    assert result.exit_code == 2 and says in result.output, result.output


def test_a_file_the_project_does_not_read_is_refused_and_left_as_it_was(real, tmp_path):
    outside = real / "notes" / "x.ttl"
    outside.parent.mkdir()
    result = sdglod(real, "new", "event", "zz-outside", "--file", str(outside))
    assert result.exit_code == 2 and "does not read this file" in result.output
    assert not outside.exists()
    other = tmp_path / "elsewhere.ttl"
    other.write_text("# mine\n", encoding="utf-8")
    result = sdglod(real, "new", "event", "zz-outside", "--file", str(other))
    assert result.exit_code == 2 and other.read_text(encoding="utf-8") == "# mine\n"


def test_a_file_keeps_its_line_ends_and_one_not_in_utf8_is_refused(real, tmp_path):
    target = real / "data" / "zz-crlf.ttl"
    target.write_bytes(b"# Written on Windows.\r\n@prefix schema: <http://schema.org/> .\r\n")
    result = sdglod(real, "new", "person", "zz-crlf", "--file", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"# Written on Windows.\r\n@prefix schema: <http://schema.org/> .\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"person:zz-crlf\r\n" in data
    latin = tmp_path / "latin.ttl"
    latin.write_bytes("# Pasākumi\n".encode("cp1257"))
    result = sdglod(real, "new", "event", "zz-latin", "--file", str(latin))
    assert result.exit_code == 2 and "not UTF-8" in result.output
    assert latin.read_bytes() == "# Pasākumi\n".encode("cp1257")


def test_a_dry_run_prints_the_skeleton_and_writes_nothing(real):
    before = (real / "data" / "people.ttl").read_bytes()
    result = sdglod(real, "new", "person", "zz-dry-run", "--dry-run")
    assert result.exit_code == 0
    assert "\nperson:zz-dry-run\n    a schema:Person ;\n" in result.output
    assert 'schema:givenName "TODO: givenName" ;' in result.output
    assert (real / "data" / "people.ttl").read_bytes() == before


def test_placeholders_are_what_validation_reports():
    from pyoxigraph import Literal, NamedNode

    assert is_placeholder(Literal("TODO: name (lv)", language="lv"))
    assert is_placeholder(Literal("TODO"))
    assert is_placeholder(NamedNode("TODO:source"))
    assert is_placeholder(NamedNode("https://w3id.org/sdglod/id/outcome/x-1#TODO"))
    assert not is_placeholder(Literal("TODOS"))
    assert not is_placeholder(Literal("Nothing TODO here"))
    assert not is_placeholder(NamedNode("https://example.org/todo"))


# --- docs/adding-data.md, followed on a copy of the real project ------------------------------


def doc_steps() -> list[tuple[str, str, str]]:
    """The page in order: ("run", command, the output it shows) for each `$ ` line of a console
    block, and ("fill", turtle, "") for each Turtle block without a TODO (a finished resource)."""
    steps = []
    for language, body in re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        if language == "console":
            for command, shown in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", body, re.M):
                steps.append(("run", command, shown))
        elif language == "turtle" and "TODO" not in body:
            steps.append(("fill", body, ""))
    return steps


def same_output(shown: str, actual: str) -> bool:
    """Equal but for numbers (lines, counts) and spacing, which change as data/ grows."""

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"\d+", "N", text)).strip()

    return norm(shown) == norm(actual)


def test_every_command_of_the_walkthrough_is_real():
    commands = [step[1] for step in doc_steps() if step[0] == "run"]
    assert any(c.startswith(".venv/bin/sdglod new ") for c in commands)
    for command in commands:
        words = shlex.split(command)
        if words[0] == ".venv/bin/sdglod":
            sub = cli.commands[words[1]]
            sub.make_context(words[1], words[2:])  # a parse error would raise
        elif words[0] == "SDGLOD_UPDATE_FIXTURES=1":
            assert words[1:] == [".venv/bin/pytest", "tests/test_queries.py"]
            assert "SDGLOD_UPDATE_FIXTURES" in (REPO / words[2]).read_text(encoding="utf-8")
        elif words[:2] == ["git", "diff"]:
            assert (REPO / words[2]).is_dir()
        elif words[:2] == ["git", "add"]:
            assert (REPO / words[2]).is_file()
        elif words[:2] == ["git", "commit"]:
            assert words[2] == "-m" and len(words) == 4
        else:
            assert words == ["make", "test"]
            assert re.search(r"^test:", (REPO / "Makefile").read_text(), re.M)


def test_the_walkthrough_adds_an_event_that_validates_builds_and_is_served(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)  # where the editor works: paths as the page writes them
    written: dict[str, tuple[Path, int, list[str]]] = {}  # slug -> file, first line, properties
    after_new: dict[str, str] = {}  # file -> the report right after `sdglod new`
    filled, ran = [], []
    for kind, text, shown in doc_steps():
        if kind == "fill":
            slug = re.match(r"^\S+?:(\S+)\n", text).group(1)  # the block's subject
            path, first, properties = written[slug]
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            assert lines[first - 1].startswith("# Written by `sdglod new")
            path.write_text("".join(lines[: first - 1]) + text, encoding="utf-8")
            assert all(f"\n    {p} " in text for p in properties), "fills every placeholder"
            done = sdglod(root, "validate", str(path))
            assert done.exit_code == 0, done.output
            filled.append(slug)
            continue
        words = shlex.split(text)
        if words[0] != ".venv/bin/sdglod" or words[1] == "serve":
            continue  # checked by the test above, and the page is served below
        result = CliRunner().invoke(cli, words[1:])
        ran.append(" ".join(words[1:3]))
        if words[1] == "query":
            assert "Example Green Library Day 2031" in result.output
        if words[1] == "validate" and shown.startswith(words[2] if len(words) > 2 else "✗"):
            assert same_output(shown, after_new[words[2]])  # the state the page shows
            continue
        assert result.exit_code == (2 if shown.startswith("error:") else 0), result.output
        assert not shown or same_output(shown, result.output), (text, result.output)
        if words[1] == "new" and result.exit_code == 0:
            match = re.match(r"(?:added to|created) (\S+): \S+ at line (\d+)", result.output)
            path = root / match.group(1)
            properties = re.findall(r"^  \S+:\d+  (\S+)  ", result.output, re.M)
            written[words[3]] = (path, int(match.group(2)), properties)
            report = sdglod(root, "validate", str(path))
            assert report.exit_code == 1
            placeholders = re.findall(r"^  (\S+:\d+)  ", result.output, re.M)
            located = re.findall(r"^  (\d+):\d+ +violation ", report.output, re.M)
            assert [f"{match.group(1)}:{n}" for n in located] == placeholders
            after_new[match.group(1)] = report.output
    assert len(filled) == len(written) == 5
    assert {"new event", "validate data/events.ttl", "validate", "build"} <= set(ran)
    event = "https://w3id.org/sdglod/id/event/example-green-library-day-2031"
    store = current_build(load_project(root)).open_store()
    assert store.query(f"ASK {{ <{event}> a <http://schema.org/Event> }}")
    with TestClient(create_app(ServerConfig(project_root=root))) as client:
        page = client.get(
            "/id/event/example-green-library-day-2031", headers={"Accept": "text/html"}
        )
        assert page.status_code == 200
        assert "Piemēra Zaļās bibliotēkas diena 2031" in page.text
        assert "Zaļās bibliotēkas dienas vēstījums Nr. 1" in page.text


def test_the_readme_shows_sdglod_new_and_links_the_walkthrough():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/adding-data.md)" in readme
    assert "$ .venv/bin/sdglod new event " in readme
