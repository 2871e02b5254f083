"""`policykg validate`: check the stored graph against the SHACL shapes (ontology/shapes.ttl)."""
from __future__ import annotations

from policykg.commands._common import add_store, store_of
from policykg.errors import ValidationFailed


def register(sub) -> None:
    p = sub.add_parser("validate", help="check the stored RDF graph against ontology/shapes.ttl (SHACL)")
    add_store(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from graph.shacl import validate
    from graph.store import load_graph

    store = store_of(args)
    graph = load_graph(store)
    conforms, messages = validate(graph)
    for message in messages:
        print(message)
    if not conforms:
        violations = sum(m.startswith("Violation") for m in messages)
        raise ValidationFailed(f"{store}: {violations} SHACL violation(s), listed above; "
                               "fix the input or the ingest rules and run `policykg build` again")
    print(f"{store}: {len(graph)} triples, conforms")
    return 0
