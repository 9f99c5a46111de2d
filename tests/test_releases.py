"""Releases and the Linked Data Event Stream of them (``sdglod release``, ``/ldes``).

A fixture project of its own goes through four releases (the first build, an event added, an
outcome changed, an organisation removed). The reference LDES client from npm
(``ldes-client``, installed by ``make node-tools`` into tests/node) replicates the stream from a
real server, and its replica must equal the current build's descriptions.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from oxigraph_server import free_port
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse
from sdglod_server import SdglodServer
from test_export_servers import SERVERS

from sdglod.build import build, current_build
from sdglod.cli import cli
from sdglod.project import load_project
from sdglod.rdf.namespaces import LDES, RDF_TYPE, TREE, XSD_INTEGER
from sdglod.releases.descriptions import describe_resources, read_lines
from sdglod.releases.stream import DELETED, TIMESTAMP, VERSION_OF
from sdglod.web.export import export_static

pytestmark = pytest.mark.usefixtures("loopback_without_proxy")

LDES_CLIENT = Path(__file__).parent / "node" / "node_modules" / ".bin" / "ldes-client"
TIMES = ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")

PREFIXES = """\
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix event: <id/event/> .
@prefix org: <id/organization/> .
@prefix outcome: <id/outcome/> .
"""
EVENTS = """
event:reading-week a schema:Event ; schema:name "Lasīšanas nedēļa"@lv, "Reading week"@en ;
    schema:startDate "2024-03-04"^^xsd:date ; schema:organizer org:library .
"""
NEW_EVENT = """
event:poetry-evening a schema:Event ; schema:name "Dzejas vakars"@lv ;
    schema:superEvent event:reading-week ;
    schema:location [ a schema:Place ; schema:name "Zāle"@lv ;
        schema:geo [ schema:latitude 56.9 ] ] .
"""
OUTCOME = """
outcome:message a schema:CreativeWork ; schema:name "Vēstījums"@lv ;
    schema:about event:reading-week ; schema:text "{text}"@lv .
"""
LIBRARY = """
org:library a schema:Organization ; schema:name "Bibliotēka"@lv .
"""
MUSEUM = """
org:museum a schema:Organization ; schema:name "Muzejs"@lv .
"""


def write_stage(root: Path, stage: int) -> None:
    """The data of stage 0 (first release) … 3: an event added, an outcome changed, an
    organisation removed."""
    data = PREFIXES + EVENTS + (NEW_EVENT if stage >= 1 else "")
    data += OUTCOME.format(text="Pirmais teksts." if stage < 2 else "Otrais teksts.")
    organisations = LIBRARY + (MUSEUM if stage < 3 else "")
    (root / "data" / "data.ttl").write_text(data + organisations, "utf-8")


SHAPES = """\
@prefix schema: <http://schema.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<#Named> a sh:NodeShape ; sh:targetClass schema:Event, schema:Organization ;
    sh:property [ sh:path schema:name ; sh:minCount 1 ] .
"""


def make_project(root: Path, base: str) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "shapes").mkdir()
    (root / "shapes" / "named.ttl").write_text(SHAPES, "utf-8")
    # Two members a page: the first release spans pages, as a big one does.
    (root / "sdglod.toml").write_text(
        f'base = "{base}"\n\n[[graphs]]\nname = "data"\nfiles = ["data/*.ttl"]\n'
        "\n[releases]\npage_members = 2\n",
        "utf-8",
    )
    write_stage(root, 0)
    return root


def release_all(root: Path) -> None:
    """Release stage 0 at its time, then each later stage at the next."""
    times = ("2025-12-01T00:00:00Z", *TIMES)
    for stage, moment in enumerate(times):
        write_stage(root, stage)
        made = build(load_project(root), release_time=moment)
        assert made.recorded is not None and made.recorded.time == moment


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The fixture project after four releases, served on the base IRI it was built for."""
    port = free_port()
    root = make_project(tmp_path_factory.mktemp("ldes") / "p", f"http://127.0.0.1:{port}/")
    release_all(root)
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with SdglodServer(root, log).start(port=port) as server:
        yield root, server


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def current_descriptions(root: Path) -> dict[str, str]:
    made = current_build(load_project(root))
    store = made.open_store()
    triples = made.dumper(store).triples
    return {iri: d.digest for iri, d in describe_resources(triples, made.manifest.base).items()}


# --- The reference client replicates the stream -------------------------------------------


def replicate(url: str, base: str) -> tuple[dict[str, str], int]:
    """What the reference client replicates from the stream at ``url``: each resource's
    description (as a digest) after the last release, and the number of members read."""
    if not LDES_CLIENT.exists():  # a failure, never a skip: the point is the real client
        pytest.fail("ldes-client is missing: run `make node-tools` (npm ci in tests/node)")
    answer = subprocess.run(
        [str(LDES_CLIENT), url, "--materialize", "-o", "ascending"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # One member per block of N-Triples, oldest first; materialised, each says what its
    # resource said then, with the time of its release.
    replica: dict[str, list[Triple]] = {}
    members = 0
    for block in answer.stdout.split("\n\n"):
        triples = [q.triple for q in parse(block.encode(), format=RdfFormat.TURTLE)]
        if not triples:
            continue
        members += 1
        stamped = [t for t in triples if t.predicate.value == TIMESTAMP]
        assert len(stamped) == 1, block
        resource = stamped[0].subject.value
        if any(t.predicate.value == RDF_TYPE and t.object.value == DELETED for t in triples):
            replica.pop(resource)
        else:
            replica[resource] = [t for t in triples if t.predicate.value != TIMESTAMP]
    digests = {
        resource: describe_resources(triples, base)[resource].digest
        for resource, triples in replica.items()
    }
    return digests, members


def test_the_reference_client_replicates_the_current_descriptions(served):
    root, server = served
    made = current_build(load_project(root))
    copied, members = replicate(f"{server.url}/ldes", made.manifest.base)
    assert members == sum(r.members for r in made.manifest.releases)
    assert copied == current_descriptions(root)
    assert f"{made.manifest.base}id/organization/museum" not in copied  # removed at the end


def test_the_reference_client_replicates_the_stream_dump(served):
    """``dist/ldes.ttl``, the whole stream in one file, read by the client as a local dump."""
    root, _ = served
    made = current_build(load_project(root))
    copied, members = replicate(str(made.dist_path / "ldes.ttl"), made.manifest.base)
    assert members == sum(r.members for r in made.manifest.releases)
    assert copied == current_descriptions(root)


def test_the_landing_page_links_the_stream(served):
    _, server = served
    status, _, body = get(f"{server.url}/", Accept="text/html")
    assert status == 200 and b'href="/ldes"' in body


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_the_reference_client_replicates_the_static_export(tmp_path, kind):
    """The static export's stream, served by real nginx and Apache at the base it was built
    for, replicates to the same descriptions."""
    port = free_port()
    root = make_project(tmp_path / "p", f"http://127.0.0.1:{port}/")
    release_all(root)
    # Outside pytest's folders: the servers' workers run as nobody when started as root.
    folder = Path(tempfile.mkdtemp(prefix="sdglod-ldes-"))
    try:
        folder.chmod(0o755)
        export_static(load_project(root), folder / "site")
        server = SERVERS[kind](folder / "site", folder / kind)
        try:
            server.binary()
        except RuntimeError as missing:
            pytest.skip(f"{missing}: the static export is not tested with {kind}")
        server.start(port=port)
        try:
            copied, _ = replicate(f"http://127.0.0.1:{port}/ldes", f"http://127.0.0.1:{port}/")
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder)
    assert copied == current_descriptions(root)


# --- The stream's own shape ---------------------------------------------------------------


def documents(server: SdglodServer, path: str) -> list[Triple]:
    status, _, body = get(server.url + path, Accept="text/turtle")
    assert status == 200, (path, body[:300])
    return [q.triple for q in parse(body, format=RdfFormat.TURTLE)]


def test_every_member_is_a_version_with_one_resource_and_one_time(served):
    root, server = served
    made = current_build(load_project(root))
    view = documents(server, "/ldes/view")
    pages = [t.object.value for t in view if t.predicate.value == TREE + "node"]
    expected = [
        f"{server.url}/ldes/release/{r.number}/{p}"
        for r in made.manifest.releases
        for p in range(1, r.pages + 1)
    ]
    assert sorted(set(pages)) == sorted(expected)  # two relations (bounds) to each page
    assert any(r.pages > 1 for r in made.manifest.releases)
    seen: set[str] = set()
    last_time = ""
    for release in made.manifest.releases:
        members_of_release = 0
        for page in range(1, release.pages + 1):
            triples = documents(server, f"/ldes/release/{release.number}/{page}")
            members = [t.object for t in triples if t.predicate.value == TREE + "member"]
            assert 1 <= len(members) <= 2  # page_members = 2
            members_of_release += len(members)
            assert not seen & {m.value for m in members}, "a member twice"
            seen |= {m.value for m in members}
            for member in members:
                assert member.value.startswith(
                    f"{server.url}/ldes/release/{release.number}/{page}#"
                )
                said = [t for t in triples if t.subject == member]
                versions = [t for t in said if t.predicate.value == VERSION_OF]
                times = [t for t in said if t.predicate.value == TIMESTAMP]
                assert len(versions) == 1 and len(times) == 1
                assert times[0].object.value == release.time >= last_time
        assert members_of_release == release.members
        last_time = release.time
    stream = documents(server, "/ldes")
    declared = {t.predicate.value: t.object.value for t in stream}
    assert declared[LDES + "timestampPath"] == TIMESTAMP
    assert declared[LDES + "versionOfPath"] == VERSION_OF


def test_a_removed_resource_gets_a_deletion_member(served):
    root, server = served
    last = current_build(load_project(root)).manifest.releases[-1]
    triples = [
        t
        for p in range(1, last.pages + 1)
        for t in documents(server, f"/ldes/release/{last.number}/{p}")
    ]
    deleted = {
        t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object.value == DELETED
    }
    assert [
        t.object.value for t in triples if t.subject in deleted and t.predicate.value == VERSION_OF
    ] == [f"{server.url}/id/organization/museum"]


def test_old_pages_are_immutable_and_the_newest_is_revalidated(served):
    root, server = served
    releases = current_build(load_project(root)).manifest.releases
    last = len(releases)
    for page in range(1, releases[0].pages + 1):
        status, old, _ = get(f"{server.url}/ldes/release/1/{page}")
        assert status == 200 and "immutable" in old["cache-control"]
    for path in (f"/ldes/release/{last}/1", "/ldes/view", "/ldes"):
        status, headers, _ = get(server.url + path)
        assert status == 200 and "no-cache" in headers["cache-control"], path
        assert "Accept" in headers["vary"]
        status, _, body = get(server.url + path, **{"If-None-Match": headers["etag"]})
        assert status == 304 and body == b""
    assert get(f"{server.url}/ldes/release/{last + 1}/1")[0] == 404
    assert get(f"{server.url}/ldes/release/1/{releases[0].pages + 1}")[0] == 404


def test_json_ld_pages_say_what_the_turtle_says_with_the_context_served_beside_them(served):
    _, server = served
    status, headers, body = get(f"{server.url}/ldes/release/1/1", Accept="application/ld+json")
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    document = json.loads(body)
    assert document["@context"] == f"{server.url}/ldes/context.jsonld"
    status, _, context = get(document["@context"])
    assert status == 200
    inline = {**document, "@context": json.loads(context)["@context"]}
    from_jsonld = {q.triple for q in parse(json.dumps(inline).encode(), format=RdfFormat.JSON_LD)}
    from_turtle = set(documents(server, "/ldes/release/1/1"))
    assert _without_blank_nodes(from_jsonld) == _without_blank_nodes(from_turtle)
    assert len(from_jsonld) == len(from_turtle)


def _without_blank_nodes(triples: set[Triple]) -> set[Triple]:
    return {
        t
        for t in triples
        if not isinstance(t.subject, BlankNode) and not isinstance(t.object, BlankNode)
    }


def test_the_sitemap_dates_each_page_by_its_last_release(served):
    _, server = served
    status, _, body = get(f"{server.url}/sitemap.xml")
    text = body.decode()
    assert status == 200
    assert f"<loc>{server.url}/id/outcome/message.html</loc><lastmod>{TIMES[1]}</lastmod>" in text
    assert (
        f"<loc>{server.url}/id/event/poetry-evening.html</loc><lastmod>{TIMES[0]}</lastmod>" in text
    )
    assert "organization/museum" not in text


# --- Releases: the log ---------------------------------------------------------------------


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), *args])


def test_a_release_of_an_unchanged_build_adds_nothing(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    first = run(root, "release", "--time", TIMES[0])
    assert first.exit_code == 0, first.output
    log = (root / "releases.jsonl").read_bytes()
    again = run(root, "release", "--time", TIMES[1])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert (root / "releases.jsonl").read_bytes() == log


def test_the_stream_is_the_same_bytes_from_any_build_of_the_log(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    release_all(root)
    first = current_build(load_project(root))
    files = {p.name: p.read_bytes() for p in first.stream_path.iterdir()}
    stream_dump = (first.dist_path / "ldes.ttl").read_bytes()
    # A clone: the sources and the log, no build.
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copytree(root / "data", clone / "data")
    shutil.copytree(root / "shapes", clone / "shapes")
    shutil.copy2(root / "sdglod.toml", clone / "sdglod.toml")
    shutil.copy2(root / "releases.jsonl", clone / "releases.jsonl")
    again = build(load_project(clone))
    assert {p.name: p.read_bytes() for p in again.stream_path.iterdir()} == files
    assert (again.dist_path / "ldes.ttl").read_bytes() == stream_dump


def test_the_log_holds_descriptions_relative_to_the_base(tmp_path):
    """Built under another base, the same log gives the stream of that base."""
    root = make_project(tmp_path / "p", "https://example.org/r/")
    release_all(root)
    other = build(load_project(root, "https://data.example.net/x/"))
    body = b"".join(p.read_bytes() for p in other.stream_path.glob("release-1-*.ttl"))
    versions = {
        q.object.value
        for q in parse(body, format=RdfFormat.TURTLE)
        if q.predicate.value == VERSION_OF
    }
    assert "https://data.example.net/x/id/event/reading-week" in versions
    assert b"example.org/r/" not in body
    line = json.loads((root / "releases.jsonl").read_text("utf-8").splitlines()[0])
    resources = [change["resource"] for change in line["changes"]]
    assert "id/event/reading-week" in resources
    for change in line["changes"]:
        triples = read_lines(change["description"], "https://example.org/r/")
        assert triples


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda text: text.replace("Pirmais", "Pirmais!", 1), "does not match its digest"),
        (lambda text: text + "not json\n", "is not JSON"),
        (lambda text: text.replace('"release":2', '"release":3', 1), "where release 2"),
    ],
)
def test_a_damaged_log_is_an_error_naming_its_line(tmp_path, damage, says):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    release_all(root)
    log = root / "releases.jsonl"
    log.write_text(damage(log.read_text("utf-8")), "utf-8")
    result = run(root, "build")
    assert result.exit_code == 2, result.output
    assert says in result.output and "releases.jsonl:" in result.output
    assert "git checkout" in result.output


def test_a_release_time_must_be_later_and_well_formed(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    assert run(root, "release", "--time", TIMES[1]).exit_code == 0
    write_stage(root, 1)
    earlier = run(root, "release", "--time", TIMES[0])
    assert earlier.exit_code == 2 and "is not after the last release" in earlier.output
    garbage = run(root, "release", "--time", "yesterday")
    assert garbage.exit_code == 2 and "--time" in garbage.output
    assert len((root / "releases.jsonl").read_text("utf-8").splitlines()) == 1


def test_blank_nodes_do_not_make_a_change(tmp_path):
    """The same data with blank nodes in another order and under other labels is no change."""
    triples = [
        q.triple
        for q in parse(
            (PREFIXES + NEW_EVENT).encode(), format=RdfFormat.TURTLE, base_iri="https://e.org/"
        )
    ]
    relabelled = []
    for t in reversed(triples):
        s = BlankNode("x" + t.subject.value) if isinstance(t.subject, BlankNode) else t.subject
        o = BlankNode("x" + t.object.value) if isinstance(t.object, BlankNode) else t.object
        relabelled.append(Triple(s, t.predicate, o))
    first = describe_resources(triples, "https://e.org/")
    second = describe_resources(relabelled, "https://e.org/")
    assert {k: v.digest for k, v in first.items()} == {k: v.digest for k, v in second.items()}
    event = "https://e.org/id/event/poetry-evening"
    assert any("latitude" in line for line in first[event].lines)
    changed = [
        Triple(t.subject, t.predicate, NamedNode("https://e.org/other"))
        if t.predicate.value.endswith("latitude")
        else t
        for t in triples
    ]
    assert describe_resources(changed, "https://e.org/")[event].digest != first[event].digest


def test_a_project_without_releases_has_no_stream(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    made = build(load_project(root))
    assert made.manifest.releases == () and not made.stream_path.exists()
    assert "ldes" not in made.manifest.dumps


# --- Canonical descriptions: any graph ------------------------------------------------------

BASE = "https://example.org/r/"
OTHER = "https://data.example.net/x/"
_locals = st.sampled_from(["id/a", "id/b#part", "a:b", "id/c?x=1", "", "#frag", "id/d/"])
_iris = st.one_of(
    _locals.map(lambda local: BASE + local),
    st.sampled_from(["http://schema.org/name", "https://other.org/x", "urn:x:1"]),
)
_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
)  # quotes, newlines, any script
_literals = st.one_of(
    _texts.map(Literal),
    st.tuples(_texts, st.sampled_from(["lv", "en", "et"])).map(
        lambda t: Literal(t[0], language=t[1])
    ),
    st.integers().map(lambda n: Literal(str(n), datatype=NamedNode(XSD_INTEGER))),
)


@st.composite
def graphs(draw) -> list[Triple]:
    """IRI subjects with literals, IRIs and trees of blank nodes as objects."""
    triples: list[Triple] = []
    blank = 0

    def node(depth: int) -> BlankNode:
        nonlocal blank
        blank += 1
        made = BlankNode(f"n{blank}")
        for _ in range(draw(st.integers(1, 3))):
            triples.append(Triple(made, NamedNode(draw(_iris)), value(depth + 1)))
        return made

    def value(depth: int):
        kind = draw(st.integers(0, 2 if depth < 3 else 1))
        return [lambda: draw(_literals), lambda: NamedNode(draw(_iris)), lambda: node(depth)][
            kind
        ]()

    for subject in draw(st.lists(_iris, min_size=1, max_size=4, unique=True)):
        for _ in range(draw(st.integers(1, 4))):
            triples.append(Triple(NamedNode(subject), NamedNode(draw(_iris)), value(0)))
    return triples


def _digests(triples: list[Triple], base: str = BASE) -> dict[str, str]:
    return {iri: d.digest for iri, d in describe_resources(triples, base).items()}


@settings(max_examples=150, deadline=None)
@given(graphs(), st.randoms(use_true_random=False))
def test_any_graph_has_the_same_descriptions_in_any_order_and_labels(triples, random):
    shuffled = list(triples)
    random.shuffle(shuffled)
    relabel = {}

    def fresh(term):
        if isinstance(term, BlankNode):
            return relabel.setdefault(term, BlankNode(f"z{random.randrange(10**9)}x{len(relabel)}"))
        return term

    relabelled = [Triple(fresh(t.subject), t.predicate, fresh(t.object)) for t in shuffled]
    assert _digests(relabelled) == _digests(triples)


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_canonical_lines_read_back_to_the_same_description_under_any_base(triples):
    described = describe_resources(triples, BASE)
    for iri, description in described.items():
        again = read_lines(description.lines, BASE)
        assert describe_resources(again, BASE)[iri].lines == description.lines
        # Read under another base, every IRI under the first base is under the other.
        moved = read_lines(description.lines, OTHER)
        expected = OTHER + iri.removeprefix(BASE) if iri.startswith(BASE) else iri
        assert expected in {t.subject.value for t in moved if isinstance(t.subject, NamedNode)}
        terms = [term for t in moved for term in (t.subject, t.predicate, t.object)]
        assert not [term for term in terms if isinstance(term, NamedNode) and BASE in term.value]


# --- Hostile and mistaken input ---------------------------------------------------------------


def test_stream_addresses_that_are_not_documents_are_404_never_500(served):
    _, server = served
    for path in (
        "/ldes/release/1",
        "/ldes/release/0/1",
        "/ldes/release/1/0",
        "/ldes/release/-1/1",
        "/ldes/release/abc/1",
        "/ldes/release/99999999999999999999/1",
        "/ldes/release/1/1.exe",
        "/ldes/release/1/1/1",
        "/ldes/view.ttl.ttl",
        "/ldes/context.ttl",
        "/ldes/%2e%2e/%2e%2e/etc/passwd",
        "/ldes/index.json",
        "/ldes.",
        "/ldes/",
    ):
        status, _, body = get(server.url + path, Accept="text/turtle")
        assert status == 404, (path, status, body[:200])
        assert json.loads(body)["error"]["code"] == "not-found"
    status, _, body = get(f"{server.url}/ldes", Accept="image/png")
    assert status == 406


def test_a_project_without_releases_answers_404_at_the_stream(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    build(load_project(root))
    with SdglodServer(root, tmp_path / "serve.log").start() as server:
        status, _, body = get(f"{server.url}/ldes")
        assert status == 404
        assert "sdglod release" in json.loads(body)["error"]["hint"]
        status, _, body = get(f"{server.url}/")
        assert status == 200 and b'href="/ldes"' not in body


def test_a_release_that_fails_validation_records_nothing(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    assert run(root, "release", "--time", TIMES[0]).exit_code == 0
    log = (root / "releases.jsonl").read_bytes()
    data = root / "data" / "data.ttl"
    data.write_text(data.read_text("utf-8") + "\norg:nameless a schema:Organization .\n")
    failed = run(root, "release", "--time", TIMES[1])
    assert failed.exit_code == 1, failed.output
    assert (root / "releases.jsonl").read_bytes() == log


@pytest.mark.parametrize("value", ['"/etc/passwd"', '"../outside.jsonl"', '""', "3"])
def test_a_release_log_outside_the_project_is_refused(tmp_path, value):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    config = root / "sdglod.toml"
    text = config.read_text("utf-8").replace("page_members = 2", f"log = {value}")
    config.write_text(text, "utf-8")
    line = text.splitlines().index(f"log = {value}") + 1
    result = run(root, "build")
    assert result.exit_code == 2, result.output
    assert f"sdglod.toml:{line}" in result.output and "`log`" in result.output


@pytest.mark.parametrize("value", ["0", "-3", "true", '"many"', "1000001"])
def test_a_page_size_that_is_no_number_of_members_is_refused(tmp_path, value):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    config = root / "sdglod.toml"
    config.write_text(config.read_text("utf-8").replace("= 2", f"= {value}"), "utf-8")
    result = run(root, "build")
    assert result.exit_code == 2, result.output
    assert "page_members" in result.output and "sdglod.toml:" in result.output


def test_info_names_the_releases(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    assert run(root, "release", "--time", TIMES[0]).exit_code == 0
    assert f"releases 1 (the last, 1, at {TIMES[0]})" in run(root, "info").output


def test_a_log_whose_last_line_lost_its_newline_still_takes_the_next_release(tmp_path):
    root = make_project(tmp_path / "p", "https://example.org/r/")
    assert run(root, "release", "--time", TIMES[0]).exit_code == 0
    log = root / "releases.jsonl"
    log.write_bytes(log.read_bytes().rstrip(b"\n"))  # an editor's save
    write_stage(root, 1)
    assert run(root, "release", "--time", TIMES[1]).exit_code == 0
    assert len(log.read_text("utf-8").splitlines()) == 2
    assert run(root, "build").exit_code == 0
