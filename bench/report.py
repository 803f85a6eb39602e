"""bench/run.py's report: the tables and the targets.

Every req/s is shown as a ratio to both baselines (bench/measure.py): the bare one
(Django with no middleware, bench/bare/settings.py) and the site stack's
(/_bench/baseline/ through the site's middleware). The targets are judged against
the bare baseline.
"""

import os
import platform
import re
from pathlib import Path

# Ratios to the bare baseline.
CACHED_PAGE, CONDITIONAL_304, FIRST_RENDER = 0.6, 0.7, 0.07
MAX_QUERIES, DEEP_PAGE = 6, 1.5
HOME_KB, STYLESHEET_KB = 40, 20
NO_QUERIES = ("bare baseline", "site baseline", "conditional page 304", "conditional feed 304")


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def query_counts(q):
    return {key: q[key] for key in ("queries_after_change", "queries_cached", "queries_render")}


def table(phase, results, queries, cached):
    lines = [
        f"### {phase}",
        "",
        "| URL | req/s | p50 ms | p99 ms | ratio to bare | ratio to site stack | queries | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        q = queries.get(r["path"], {}) if "baseline" not in r["name"] else {}
        if r["name"] in NO_QUERIES or r["name"] == "static file":
            query_text = "0"
        elif "queries_render" not in q:
            query_text = "–"
        elif cached:
            query_text = f"{q['queries_cached']} ({q['queries_after_change']} after a change)"
        else:
            query_text = str(q["queries_render"])
        flag = f" ({r['non_2xx_3xx']} errors)" if r["non_2xx_3xx"] else ""
        size = "–" if "304" in r["name"] else q.get("bytes", "–")
        lines.append(
            f"| {r['name']} `{r['path']}`{flag} | {r['rps']:.0f} | {r['p50_ms']:.2f} | "
            f"{r['p99_ms']:.2f} | {r['ratio_bare']:.2f} | {r['ratio_site']:.2f} | "
            f"{query_text} | {size} |"
        )
    return "\n".join(lines)


def check_targets(cached, first, queries, page_names, home_html, stylesheet_bytes, earlier):
    """`earlier`: (what, {URL name: query counts}) of a run at another N, or None."""
    by = {"cached": {r["name"]: r for r in cached}, "first render": {r["name"]: r for r in first}}
    checks = []

    def check(text, ok, figure):
        checks.append(f"- [{'met' if ok else 'MISSED'}] {text}: {figure}")

    def ratios(r):
        return f"{r['ratio_bare']:.3f} (to the site stack {r['ratio_site']:.2f})"

    worst = min(page_names, key=lambda n: by["cached"][n]["ratio_bare"])
    check(
        f"anonymous pages from the cache ≥ {CACHED_PAGE} of bare",
        by["cached"][worst]["ratio_bare"] >= CACHED_PAGE,
        f"lowest {ratios(by['cached'][worst])}, {worst}",
    )
    for name in ("conditional page 304", "conditional feed 304"):
        r = by["cached"][name]
        check(f"{name} ≥ {CONDITIONAL_304} of bare", r["ratio_bare"] >= CONDITIONAL_304, ratios(r))
    for name in page_names:
        if "feed" not in name:  # every list and detail page (a feed is not a page)
            r = by["first render"][name]
            check(
                f"first render of {name} ≥ {FIRST_RENDER} of bare (page cache off)",
                r["ratio_bare"] >= FIRST_RENDER,
                ratios(r),
            )
    pages = {q["name"]: q for q in queries.values() if "queries_render" in q}
    for key, when in (("queries_render", "rendered"), ("queries_after_change", "after a change")):
        most = max(q[key] for q in pages.values())
        check(f"queries per page ≤ {MAX_QUERIES} ({when})", most <= MAX_QUERIES, f"at most {most}")
    if earlier is None:
        checks.append("- [not compared] queries the same at another N: no run in bench-results/")
    else:
        what, counts = earlier
        differ = [
            f"{name} {counts[name]} here {query_counts(q)}"
            for name, q in pages.items()
            if name in counts and counts[name] != query_counts(q)
        ]
        check(f"queries per page the same as at {what}", not differ, "; ".join(differ) or "same")
    deep = next(name for name in page_names if "middle" in name)
    for phase, rows in by.items():
        ratio = rows[deep]["p50_ms"] / rows["news list page 1"]["p50_ms"]
        check(
            f"deep list page ≤ {DEEP_PAGE}× page 1 p50 latency ({phase})",
            ratio <= DEEP_PAGE,
            f"{ratio:.2f}×",
        )
    home_bytes = len(home_html.encode())
    check(
        f"home page HTML ≤ {HOME_KB} KB",
        home_bytes <= HOME_KB * 1024,
        f"{home_bytes / 1024:.1f} KB",
    )
    check(
        f"stylesheet ≤ {STYLESHEET_KB} KB",
        stylesheet_bytes <= STYLESHEET_KB * 1024,
        f"{stylesheet_bytes / 1024:.1f} KB",
    )
    blocking = [
        tag for tag in re.findall(r"<script\b[^>]*>", home_html)
        if not re.search(r"\b(async|defer)\b|type=\"(module|application/(ld\+)?json)\"", tag)
    ]  # fmt: skip
    check("no render-blocking script", not blocking, f"{len(blocking)} blocking")
    return checks
