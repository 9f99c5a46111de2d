"""A query that echoes a string parameter, and values built to break out of a SPARQL string:
the injection tests run them against every backend."""

from __future__ import annotations

import textwrap

from hypothesis import strategies as st

ECHO = textwrap.dedent(
    """\
    #+ title@lv: Atbalss
    #+ title@en: Echo
    #+ description@lv: Atgriež vērtību.
    #+ description@en: Returns the value.
    #+ param: text
    #+   type: string
    #+   default: x
    #+   description@lv: Teksts
    #+   description@en: Text
    SELECT $text ?echo ?n WHERE {
      BIND(STR($text) AS ?echo)
      OPTIONAL { ?s <http://example.org/p> $text BIND(1 AS ?n) }
    }
    """
)
TRICKY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            '" } ; DROP ALL ; SELECT * { "',
            "'> } UNION { ?s ?p ?o } #",
            '\\" . } VALUES ?x { 1 } #',
            "\"\"\"'''",
            "<http://evil/> } #",
            "\\u0022 } #",
            "line\nbreak\r\ttab",
        ]
    ),
)
