"""The namespaces sdglod names terms in, defined once (as plain IRI strings).

Plain strings, not term objects: they are joined with local names (``XSD + "date"``) and
compared with ``NamedNode.value``. rdflib's own namespace objects (``rdflib.namespace.SH``)
stay where rdflib graphs are read, in ``validation/``.
"""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "http://schema.org/"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
PROV = "http://www.w3.org/ns/prov#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SDGO = "http://metadata.un.org/sdg/ontology#"
SDGLOD = "https://w3id.org/sdglod/ontology#"

RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"
RDFS_LABEL = RDFS + "label"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_BOOLEAN = XSD + "boolean"
XSD_DATE = XSD + "date"
FORMATS = "http://www.w3.org/ns/formats/"  # the W3C registry of format IRIs
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
ACTIVITY_STREAMS = "https://www.w3.org/ns/activitystreams#"
