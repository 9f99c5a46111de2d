"""The query editor is a third-party asset built from pinned npm packages (tools/editor): the
committed file is the one its recorded checksum names, its licences travel beside it, and
`make editor-asset` (part of `make test`) rebuilt it from the registry to the same bytes."""

from __future__ import annotations

import hashlib
import json

from conftest import REPO

VENDOR = REPO / "src" / "sdglod" / "web" / "static" / "vendor"
TOOLS = REPO / "tools" / "editor"


def test_the_committed_editor_is_the_one_its_checksum_names():
    recorded = (VENDOR / "codemirror.min.js.sha256").read_text().split()
    assert recorded[1] == "codemirror.min.js"
    assert hashlib.sha256((VENDOR / "codemirror.min.js").read_bytes()).hexdigest() == recorded[0]


def test_the_pinned_packages_rebuild_the_same_file():
    built = TOOLS / "build" / "codemirror.min.js"
    assert built.exists(), "run `make editor-asset`: it fetches the pinned packages and rebuilds"
    assert built.read_bytes() == (VENDOR / "codemirror.min.js").read_bytes()


def test_every_bundled_package_is_pinned_and_its_licence_shipped():
    declared = json.loads((TOOLS / "package.json").read_text())
    for name, version in {**declared["dependencies"], **declared["devDependencies"]}.items():
        assert version[0].isdigit(), f"{name} {version}: pin an exact version"
    lock = json.loads((TOOLS / "package-lock.json").read_text())
    licences = (VENDOR / "codemirror.LICENSE.txt").read_text()
    bundled = {
        path.rsplit("node_modules/", 1)[1]: entry
        for path, entry in lock["packages"].items()
        if path and not entry.get("dev")
    }
    assert "codemirror-lang-sparql" in bundled and "@codemirror/view" in bundled
    for name, entry in bundled.items():
        assert entry["integrity"].startswith("sha512-")  # npm checks each tarball against it
        assert f"{name} {entry['version']} ({entry['license']})" in licences
        assert entry["license"] == "MIT"
