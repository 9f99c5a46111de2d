"""The layout of ``src/sdglod`` stays what docs/architecture.md says: stages in one direction.

Read from the source with ``ast``, so that it stays true as the code changes: no import cycles,
no module reaching into another's private names, no stage importing a later one, each
third-party library behind the modules that say so, and modules and functions small enough to
read in one sitting.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "sdglod"

# The pipeline, first stage first: a module may import from its own stage and earlier ones.
# A module belongs to the longest entry that is a prefix of its name.
STAGES: list[tuple[str, ...]] = [
    ("sdglod.version", "sdglod.errors", "sdglod.memo", "sdglod.rdf.namespaces"),
    ("sdglod.project",),
    ("sdglod.rdf",),
    ("sdglod.validation",),
    ("sdglod.describe", "sdglod.releases"),
    ("sdglod.manifest", "sdglod.build"),
    ("sdglod.query",),
    ("sdglod.publish", "sdglod.web"),
    ("sdglod.cli", "sdglod.__main__", "sdglod"),
]

# Third-party libraries and the only modules that may import them.
CONFINED = {
    "pyshacl": ("sdglod.validation",),
    "rdflib": ("sdglod.validation",),
    "httpx": ("sdglod.publish", "sdglod.query.remote"),
    "starlette": ("sdglod.web",),
    "jinja2": ("sdglod.web",),
    "uvicorn": ("sdglod.web",),
    "click": ("sdglod.cli",),
}
STORE_MODULE = "sdglod.rdf.store"  # the only one that opens a pyoxigraph Store

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
LONG_REASON = "# long:"  # a comment on the line above a longer function says why


@dataclass(frozen=True)
class Import:
    importer: str
    module: str  # the sdglod module (or third-party top-level package) imported
    name: str | None  # the name taken from it, for ``from … import name``
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path) -> Iterator[Import]:
    """Every import in the module, at any depth (function-level and TYPE_CHECKING included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:
                    yield Import(name, submodule, None, node.lineno)
                else:
                    yield Import(name, target, alias.name, node.lineno)


ALL_IMPORTS = [found for name, path in MODULES.items() for found in imports_of(name, path)]
INTERNAL = [i for i in ALL_IMPORTS if i.module in MODULES]


def stage_of(module: str) -> int:
    best, stage = -1, -1
    for number, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, stage = len(prefix), number
    return stage


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_checks_see_the_whole_package():
    assert {"sdglod.cli", "sdglod.build", "sdglod.web.app", "sdglod.rdf.store"} <= set(MODULES)
    assert len(INTERNAL) > 100
    assert all(stage_of(name) >= 0 for name in MODULES), "every module belongs to a stage"


def test_no_import_cycles():
    edges: dict[str, set[str]] = {}
    for found in INTERNAL:
        if found.module != found.importer:
            edges.setdefault(found.importer, set()).add(found.module)
    assert cycles(edges) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_another_modules_private_names():
    private = [
        f"{i.importer}:{i.line} takes {i.name} from {i.module}"
        for i in INTERNAL
        if i.name and i.name.startswith("_") and not i.name.startswith("__")
    ]
    assert private == []


def test_stages_import_only_themselves_and_earlier_stages():
    upward = [
        f"{i.importer}:{i.line} imports {i.module}"
        for i in INTERNAL
        if stage_of(i.module) > stage_of(i.importer)
    ]
    assert upward == []


@pytest.mark.parametrize("library", sorted(CONFINED))
def test_each_library_lives_behind_its_modules(library):
    allowed = CONFINED[library]
    outside = [
        f"{i.importer}:{i.line}"
        for i in ALL_IMPORTS
        if i.module.split(".")[0] == library
        and not any(i.importer == a or i.importer.startswith(a + ".") for a in allowed)
    ]
    assert outside == []


def test_only_the_store_module_opens_a_pyoxigraph_store():
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            takes_store = isinstance(node, ast.ImportFrom) and node.module == "pyoxigraph"
            if takes_store and any(a.name == "Store" for a in node.names):
                found.append(f"{name}:{node.lineno}")
            qualified = isinstance(node, ast.Attribute) and node.attr == "Store"
            if qualified and isinstance(node.value, ast.Name) and node.value.id == "pyoxigraph":
                found.append(f"{name}:{node.lineno}")
    assert [f for f in found if not f.startswith(STORE_MODULE + ":")] == []


def test_modules_are_small_enough_to_read_in_one_sitting():
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_long_functions_say_why():
    unexplained = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            above = lines[first - 2].strip() if first >= 2 else ""
            if length > MAX_FUNCTION_LINES and not above.startswith(LONG_REASON):
                unexplained.append(f"{name}:{node.lineno} {node.name} ({length} lines)")
    assert unexplained == []


def test_every_package_says_what_its_stage_takes_and_gives():
    for name, path in MODULES.items():
        if path.name != "__init__.py":
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 60 and "TODO" not in docstring, name


def test_every_module_has_a_docstring():
    missing = [
        name
        for name, path in MODULES.items()
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_the_architecture_document_names_every_package():
    document = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    for package in sorted(packages - {"sdglod"}):
        folder = package.removeprefix("sdglod.").replace(".", "/") + "/"
        assert folder in document, f"docs/architecture.md does not mention {folder}"
