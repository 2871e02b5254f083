"""A networkx projection of the store (cities, categories, incentives) and analyses on it.

`project_documents(docs)` builds an undirected graph from a store's clause models:

* ``city:<name>`` nodes (kind "city"), ``category:<slug>`` nodes (kind "category", with the zh
  and en labels of ontology/categories.ttl) and ``incentive:<clause id>`` nodes (kind
  "incentive", with city, document, article, instrument, highest cap and text);
* edges city - incentive (relation "offers"), incentive - category (relation "in_category", the
  clause's direct categories) and category - broader category (relation "broader").

Analyses for researchers: `category_profile` (a city's incentives per category, broader categories
included), `city_similarity` (how alike two cities' policy mixes are: Jaccard of the categories
they cover, cosine of their profiles, and what is shared and what is not), `similarity_matrix`,
`unique_categories` (categories only one city covers), `neighbourhood` (a category's or a city's
surroundings) and `to_html`, an interactive pyvis page that works offline: every script and style
is inline (cdn_resources="in_line") and the CDN links pyvis's template adds anyway are removed.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from ingest.categories import scheme
from policykg.errors import PolicyKGError

KIND_COLOURS = {"city": "#d62728", "category": "#1f77b4", "incentive": "#2ca02c"}
_EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//[^>]*>(?:\s*</script>)?""",
                       re.I | re.S)
_COMMENTED_ASSETS = re.compile(r"<!--(?:(?!-->).)*?(?:src|href)=(?:(?!-->).)*?-->", re.S)


def city_node(name: str) -> str:
    return f"city:{name}"


def category_node(slug: str) -> str:
    return f"category:{slug}"


def incentive_node(clause_id: str) -> str:
    return f"incentive:{clause_id}"


def project_documents(docs):
    """The projection of clause models (ingest.model.Document), as a networkx.Graph."""
    import networkx as nx

    concepts = scheme()
    g = nx.Graph()
    for slug, concept in concepts.items():
        g.add_node(category_node(slug), kind="category", label=concept.zh, label_zh=concept.zh,
                   label_en=concept.en, slug=slug)
    for slug, concept in concepts.items():
        for broader in concept.broader:
            if broader in concepts:
                g.add_edge(category_node(slug), category_node(broader), relation="broader")
    for doc in docs:
        city = city_node(doc.city_shown)
        g.add_node(city, kind="city", label=doc.city_shown, city=doc.city_shown)
        for clause in doc.clauses:
            if clause.kind != "incentive":
                continue
            caps = [a.value for a in clause.amounts if a.role == "cap"]
            node = incentive_node(clause.id)
            g.add_node(node, kind="incentive", label=f"{doc.city_shown} {clause.article}", city=doc.city_shown,
                       document=doc.number or doc.id, article=clause.article, clause=clause.id,
                       instrument=clause.instrument, highest_cap=max(caps) if caps else None,
                       text=clause.text)
            g.add_edge(city, node, relation="offers")
            for slug in clause.categories:
                if slug in concepts:
                    g.add_edge(node, category_node(slug), relation="in_category")
    return g


def _nodes(g, kind: str) -> list[str]:
    return sorted(n for n, d in g.nodes(data=True) if d.get("kind") == kind)


def cities(g) -> list[str]:
    return [g.nodes[n]["city"] for n in _nodes(g, "city")]


def _check_city(g, city: str) -> str:
    node = city_node(city.removesuffix("市"))
    if node not in g or g.nodes[node].get("kind") != "city":
        raise PolicyKGError(f"no city {city!r} in the graph: one of {', '.join(cities(g)) or 'none'}")
    return node


def _broader_closure(g, category: str) -> set[str]:
    """A category node and every broader one (skos:broader edges of the projection)."""
    out, todo = set(), [category]
    while todo:
        node = todo.pop()
        if node in out:
            continue
        out.add(node)
        todo.extend(n for n in g.neighbors(node) if g.edges[node, n].get("relation") == "broader"
                    and _is_broader(g, node, n))
    return out


def _is_broader(g, narrower: str, candidate: str) -> bool:
    """Whether `candidate` is broader than `narrower` (the projection's edges are undirected)."""
    return g.nodes[candidate]["slug"] in scheme()[g.nodes[narrower]["slug"]].broader


def categories_of(g, incentive: str, broader: bool = True) -> set[str]:
    """Slugs of an incentive's categories (and, with broader=True, of their broader categories)."""
    direct = {n for n in g.neighbors(incentive) if g.edges[incentive, n].get("relation") == "in_category"}
    nodes = set().union(*(_broader_closure(g, c) for c in direct)) if broader and direct else direct
    return {g.nodes[n]["slug"] for n in nodes}


def category_profile(g, city: str, broader: bool = True) -> Counter:
    """How many of the city's incentives fall in each category (slug -> count)."""
    node = _check_city(g, city)
    profile: Counter = Counter()
    for n in g.neighbors(node):
        if g.nodes[n].get("kind") == "incentive":
            profile.update(categories_of(g, n, broader))
    return profile


def city_similarity(g, a: str, b: str, broader: bool = True) -> dict:
    """How alike two cities' policy mixes are.

    jaccard: shared categories / categories either covers; cosine: of the incentive counts per
    category; shared, only_a, only_b: the category slugs behind the numbers.
    """
    pa, pb = category_profile(g, a, broader), category_profile(g, b, broader)
    sa, sb = set(pa), set(pb)
    union = sa | sb
    dot = sum(pa[k] * pb[k] for k in union)
    norm = math.sqrt(sum(v * v for v in pa.values())) * math.sqrt(sum(v * v for v in pb.values()))
    return {"jaccard": len(sa & sb) / len(union) if union else 1.0,
            "cosine": dot / norm if norm else 0.0,
            "shared": sorted(sa & sb), "only_a": sorted(sa - sb), "only_b": sorted(sb - sa)}


def similarity_matrix(g, measure: str = "jaccard", broader: bool = True) -> dict[tuple[str, str], float]:
    """(city, city) -> similarity for every ordered pair of cities."""
    if measure not in ("jaccard", "cosine"):
        raise PolicyKGError(f"unknown similarity measure {measure!r}: use jaccard or cosine")
    names = cities(g)
    return {(a, b): city_similarity(g, a, b, broader)[measure] for a in names for b in names}


def unique_categories(g, broader: bool = True) -> dict[str, str]:
    """Categories that exactly one city covers: slug -> that city."""
    covered: dict[str, set[str]] = {}
    for city in cities(g):
        for slug in category_profile(g, city, broader):
            covered.setdefault(slug, set()).add(city)
    return {slug: next(iter(c)) for slug, c in sorted(covered.items()) if len(c) == 1}


def neighbourhood(g, node: str, radius: int | None = None):
    """The subgraph around a city (its incentives and their categories) or a category (its
    incentives, their cities, and its broader and narrower categories).

    `node` is a node id ("city:温州", "category:independent-site") or a bare city name or slug.
    """
    if node not in g:
        guesses = [city_node(node.removesuffix("市")), category_node(node)]
        found = next((n for n in guesses if n in g), None)
        if found is None:
            raise PolicyKGError(f"no city or category {node!r} in the graph: use a city such as "
                                f"{', '.join(cities(g)[:3])} or a category slug")
        node = found
    kind = g.nodes[node].get("kind")
    if radius is not None:
        import networkx as nx

        return g.subgraph(nx.ego_graph(g, node, radius=radius).nodes).copy()
    keep = {node}
    if kind == "city":
        for inc in g.neighbors(node):
            if g.nodes[inc].get("kind") == "incentive":
                keep.add(inc)
                keep.update(n for n in g.neighbors(inc) if g.nodes[n].get("kind") == "category")
    elif kind == "category":
        keep.update(n for n in g.neighbors(node) if g.nodes[n].get("kind") == "category")
        for inc in (n for n in g.neighbors(node) if g.nodes[n].get("kind") == "incentive"):
            keep.add(inc)
            keep.update(n for n in g.neighbors(inc) if g.nodes[n].get("kind") == "city")
    else:
        keep.update(g.neighbors(node))
    return g.subgraph(keep).copy()


def _title(data: dict) -> str:
    """Hover text of a node (plain text: vis-network shows it as is)."""
    if data.get("kind") == "incentive":
        cap = data.get("highest_cap")
        parts = [f"{data.get('city')} {data.get('document')} {data.get('article')}",
                 f"instrument: {data.get('instrument') or '-'}",
                 f"highest cap: {format(cap, 'f') + ' CNY' if isinstance(cap, Decimal) else '-'}",
                 str(data.get("text") or "")[:300]]
        return "\n".join(parts)
    if data.get("kind") == "category":
        return f"{data.get('label_zh')} / {data.get('label_en')}"
    return str(data.get("label", ""))


def offline_html(html: str) -> str:
    """Remove every <script src>/<link href> to another host (and commented-out asset tags)."""
    return _COMMENTED_ASSETS.sub("", _EXTERNAL.sub("", html))


def external_assets(html: str) -> list[str]:
    """Script and link tags of `html` that load anything from a URL or a file: must be empty."""
    return re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=[^>]*>""", html, re.I)


def to_html(subgraph, path: Path | None = None, heading: str = "") -> str:
    """An interactive HTML page of a (small) graph that needs no network; written to `path` if given."""
    from pyvis.network import Network

    net = Network(height="720px", width="100%", cdn_resources="in_line", heading="")
    for node, data in sorted(subgraph.nodes(data=True)):
        kind = data.get("kind", "")
        net.add_node(node, label=str(data.get("label", node)), title=_title(data),
                     color=KIND_COLOURS.get(kind, "#7f7f7f"), shape="dot",
                     size={"city": 28, "category": 20}.get(kind, 12), group=kind)
    for a, b, data in sorted(subgraph.edges(data=True)):
        net.add_edge(a, b, title=data.get("relation", ""))
    net.toggle_physics(True)
    html = offline_html(net.generate_html())
    if heading:
        import html as html_lib

        html = html.replace("<body>", f"<body>\n<h2 style=\"font-family:sans-serif\">{html_lib.escape(heading)}</h2>", 1)
    left = external_assets(html)
    if left:
        raise PolicyKGError(f"the graph page would load external files ({left[0][:80]}): not writing it")
    if path is not None:
        Path(path).write_text(html, encoding="utf-8")
    return html
