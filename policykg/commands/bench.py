"""`policykg bench`: build and query synthetic corpora of growing size, write docs/benchmark.md/.json."""
from __future__ import annotations

from pathlib import Path

from policykg import config


def register(sub) -> None:
    p = sub.add_parser("bench", help="measure build time, memory, store size and query latency at several sizes")
    p.add_argument("--sizes", default="5,500,5000", help="comma-separated corpus sizes (default: 5,500,5000)")
    p.add_argument("--out", type=Path, default=None, help="folder for benchmark.md and benchmark.json (default: docs/)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus generator")
    p.add_argument("--estimate", default="",
                   help="comma-separated sizes not run, to extrapolate build time and memory to")
    p.set_defaults(handler=run)


def _sizes(text: str, option: str) -> list[int]:
    from policykg.errors import PolicyKGError

    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise PolicyKGError(f"{option} {text!r}: expected whole numbers separated by commas, e.g. 5,500,5000") from None
    if any(s < 1 for s in sizes):
        raise PolicyKGError(f"{option} {text!r}: every size must be at least 1")
    return sizes


def run(args) -> int:
    try:
        from bench.run import bench
    except ModuleNotFoundError as exc:
        from policykg.errors import PolicyKGError

        raise PolicyKGError(f"the benchmark package is not installed ({exc}): add \"bench\" to "
                            "[tool.setuptools] packages in pyproject.toml and run `make dev`") from None
    sizes = _sizes(args.sizes, "--sizes")
    if not sizes:
        from policykg.errors import PolicyKGError

        raise PolicyKGError("--sizes: give at least one size, e.g. --sizes 5")
    out = args.out or config.project_root() / "docs"
    report = bench(sizes, out, seed=args.seed, estimate_to=_sizes(args.estimate, "--estimate"))
    for t in report["targets"]:
        print(f"{t['status']:>12}  {t['target']}: {t['value'] or '—'} (limit {t['limit']})")
    print(f"report: {out / 'benchmark.md'}, {out / 'benchmark.json'}")
    return 0
