#!/usr/bin/env python3
"""`make bench`: npsdesk against pandas, polars and DuckDB on the whole job of issue 9, on the same files.

The job: read a 1M-row SurveyMonkey export; NPS overall, by plan, by region, by quarter (End Date) and by
plan x quarter; tag the "why?" comments into 12 keyword themes (bench/themes12.toml) with NPS per theme.

- npsdesk: `import` into a new workspace, then `nps --by PLAN --per quarter`, `nps --by Region` and
  `themes --rules bench/themes12.toml --resamples 0`, four processes (the whole job is their sum; by plan
  and by quarter are the sums of the plan x quarter groups).
- rivals: bench/rival_{duckdb,polars,pandas}.py, one process each, in a venv this script creates under the
  cache directory (pip install pandas polars duckdb).

Inputs are written once by `npsdesk demo --seed 42` into the cache directory (default /tmp/npsdesk-bench,
never the repository). A warm-up round runs every tool once and its outputs are compared (every NPS count
of every group, every theme's mentions and counts); only when they agree are the timed rounds run,
alternating the tools (order rotated each round). Wall time is measured around the process, peak RSS by
/usr/bin/time (%M).

    python3 bench/run.py [--sizes 100k,1m] [--with-5m] [--reps 3] [--cache DIR] [--skip-build]
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RULES = BENCH / "themes12.toml"
SIZES = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
RIVALS = ["duckdb", "polars", "pandas"]
PLAN = "Which plan are you on?"
SEED = 42
# The rivals import bench/_common.py: no __pycache__ in the repository.
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


# ---------------------------------------------------------------------------------------------- set-up

def venv_python(cache):
    """The venv's python, created (and pandas, polars, duckdb installed) on first use."""
    venv = cache / "venv"
    py = venv / "bin" / "python"
    probe = [str(py), "-c", "import pandas, polars, duckdb"]
    if not py.exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        log(f"creating the rivals' venv in {venv} (pip install pandas polars duckdb)")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "pandas", "polars", "duckdb"], check=True)
    return py


def versions(py):
    code = ("import sys, pandas, polars, duckdb, numpy; print(sys.version.split()[0], pandas.__version__, "
            "polars.__version__, duckdb.__version__, numpy.__version__)")
    v = subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"python": v[0], "pandas": v[1], "polars": v[2], "duckdb": v[3], "numpy": v[4]}


def npsdesk_binary(skip_build):
    if not skip_build:
        log("cargo build --release -p npsdesk-cli")
        subprocess.run(["cargo", "build", "--release", "-p", "npsdesk-cli"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "npsdesk"
    if not binary.exists():
        sys.exit(f"{binary} is missing: run without --skip-build")
    return binary


def export(cache, label, rows, npsdesk):
    path = cache / f"nps_{label}_seed{SEED}.csv"
    if not path.exists():
        log(f"writing {path}")
        tmp = path.with_suffix(".tmp")
        subprocess.run([str(npsdesk), "demo", "--rows", str(rows), "--seed", str(SEED), "--out", str(tmp)],
                       check=True, stdout=subprocess.DEVNULL)
        tmp.rename(path)
    return path


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, {platform.platform()}"


# ---------------------------------------------------------------------------------------------- running

def timed(cmd):
    """(wall seconds, peak RSS KiB, stdout bytes) of one process; fails loudly."""
    with tempfile.NamedTemporaryFile("r") as tf:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tf.name, *map(str, cmd)], capture_output=True,
                           env=ENV)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr.decode(errors='replace')}")
        rss = int(tf.read().split()[-1])
    return wall, rss, p.stdout


def npsdesk_steps(npsdesk, csv, cache):
    ws = cache / "bench.npsdesk"
    for f in cache.glob("bench.npsdesk*"):
        f.unlink()
    w = ["--workspace", ws]
    return ws, [
        ("import", [npsdesk, *w, "import", csv, "--format", "json"]),
        ("nps plan x quarter", [npsdesk, *w, "nps", "--by", PLAN, "--per", "quarter", "--min-n", "0",
                                "--format", "json"]),
        ("nps region", [npsdesk, *w, "nps", "--by", "Region", "--min-n", "0", "--format", "json"]),
        ("themes", [npsdesk, *w, "themes", "--rules", RULES, "--resamples", "0", "--min-n", "0",
                    "--format", "json"]),
    ]


def run_tool(tool, ctx):
    """One run of the whole job: {wall, rss, steps: {name: (wall, rss)}, out: [stdout...]}."""
    if tool == "npsdesk":
        ws, steps = npsdesk_steps(ctx["npsdesk"], ctx["csv"], ctx["cache"])
        res = {"wall": 0.0, "rss": 0, "steps": {}, "out": []}
        for name, cmd in steps:
            wall, rss, out = timed(cmd)
            res["wall"] += wall
            res["rss"] = max(res["rss"], rss)
            res["steps"][name] = (wall, rss)
            res["out"].append(out)
            if name == "import":
                res["workspace_bytes"] = sum(f.stat().st_size for f in ctx["cache"].glob("bench.npsdesk*"))
        return res
    wall, rss, out = timed([ctx["python"], BENCH / f"rival_{tool}.py", ctx["csv"], RULES])
    return {"wall": wall, "rss": rss, "steps": {}, "out": [out]}


# ---------------------------------------------------------------------------------------------- agreement

def counts(g):
    n, p, a, d = (int(g[k]) for k in ("n", "promoters", "passives", "detractors"))
    return {"n": n, "promoters": p, "passives": a, "detractors": d}


def add(into, key, g):
    c = into.setdefault(key, {"n": 0, "promoters": 0, "passives": 0, "detractors": 0})
    for k in c:
        c[k] += g[k]


def check_nps_value(where, g):
    """npsdesk's own nps must be its counts' NPS."""
    c = counts(g)
    if c["n"]:
        exact = 100.0 * (c["promoters"] - c["detractors"]) / c["n"]
        if abs(g["nps"] - exact) > 1e-9:
            sys.exit(f"npsdesk {where}: nps {g['nps']} is not 100*(P-D)/n = {exact}")


def npsdesk_canonical(outs):
    """npsdesk's three reports in the rivals' JSON shape (counts only)."""
    nps_pq, nps_region, themes = (json.loads(o) for o in outs[1:])
    if nps_pq.get("hidden_groups") or nps_region.get("hidden_groups"):
        sys.exit("npsdesk hid groups despite --min-n 0")
    check_nps_value("overall", nps_pq)
    res = {"overall": counts(nps_pq), "by_plan": {}, "by_quarter": {}, "by_plan_quarter": {}, "by_region": {}}
    for g in nps_pq["groups"]:
        check_nps_value(json.dumps(g["key"]), g)
        plan, period = g["key"][PLAN] or "", g["key"]["period"]
        c = counts(g)
        if c["n"]:
            res["by_plan_quarter"][f"{plan}|{period}"] = c
            add(res["by_plan"], plan, c)
            add(res["by_quarter"], period, c)
    for g in nps_region["groups"]:
        if g["n"]:
            res["by_region"][g["key"]["Region"] or ""] = counts(g)
    res["themes"] = {"comments": themes["comments"],
                     "themes": {t["theme"]: {**counts(t), "mentions": t["mentions"]} for t in themes["themes"]}}
    return res


def rival_canonical(out):
    r = json.loads(out)
    res = {k: ({key: counts(g) for key, g in r[k].items() if g["n"]} if k != "overall" else counts(r[k]))
           for k in ("overall", "by_plan", "by_region", "by_quarter", "by_plan_quarter")}
    res["themes"] = {"comments": r["themes"]["comments"],
                     "themes": {name: {**counts(t), "mentions": t["mentions"]}
                                for name, t in r["themes"]["themes"].items()}}
    return res


def diff(a, b, path=""):
    """Human-readable differences between two canonical results."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}/{k}: only in the other")
            elif k not in b:
                out.append(f"{path}/{k}: missing in the other")
            else:
                out.extend(diff(a[k], b[k], f"{path}/{k}"))
    elif a != b:
        out.append(f"{path}: {a} vs {b}")
    return out


def agree(results, allow_theme_diff):
    """Compares every tool with npsdesk; returns the theme differences (empty when all agree)."""
    base = npsdesk_canonical(results["npsdesk"]["out"])
    theme_diffs = []
    for tool, res in results.items():
        if tool == "npsdesk":
            continue
        other = rival_canonical(res["out"][0])
        nps_diffs = [d for k in ("overall", "by_plan", "by_region", "by_quarter", "by_plan_quarter")
                     for d in diff(base[k], other[k], k)]
        if nps_diffs:
            sys.exit(f"NPS figures differ between npsdesk and {tool} (no timings printed):\n  "
                     + "\n  ".join(nps_diffs[:40]))
        t = diff(base["themes"], other["themes"], "themes")
        theme_diffs.extend(f"{tool}: {d}" for d in t)
    groups = sum(len(base[k]) for k in ("by_plan", "by_region", "by_quarter", "by_plan_quarter")) + 1
    if theme_diffs and not allow_theme_diff:
        sys.exit("theme counts differ (no timings printed; --allow-theme-diff to time anyway):\n  "
                 + "\n  ".join(theme_diffs[:40]))
    summary = (f"outputs agree: {', '.join(results)} give the same n/promoters/passives/detractors in all "
               f"{groups} NPS groups (overall {base['overall']['n']:,} answers)")
    if theme_diffs:
        summary += f"; THEME COUNTS DIFFER in {len(theme_diffs)} place(s): " + "; ".join(theme_diffs)
    else:
        summary += (f" and the same mentions and counts for all {len(base['themes']['themes'])} themes "
                    f"({base['themes']['comments']:,} comments)")
    return summary, theme_diffs


# ---------------------------------------------------------------------------------------------- report

def fmt_s(x):
    return f"{x:.2f}"


def bench_size(label, rows, ctx, tools, reps, allow_theme_diff):
    csv = export(ctx["cache"], label, rows, ctx["npsdesk"])
    ctx = {**ctx, "csv": csv}
    size_mb = csv.stat().st_size / 1e6
    load_before = loadavg()
    log(f"[{label}] warm-up and agreement check on {csv} ({size_mb:.0f} MB), load {load_before}")
    warm = {tool: run_tool(tool, ctx) for tool in tools}
    if "npsdesk" in warm:
        summary, theme_diffs = agree(warm, allow_theme_diff)
    else:
        summary, theme_diffs = "npsdesk not run: outputs not compared", []
    log(f"[{label}] {summary}")
    runs = {tool: [] for tool in tools}
    for rep in range(reps):
        order = tools[rep % len(tools):] + tools[:rep % len(tools)]
        for tool in order:
            r = run_tool(tool, ctx)
            runs[tool].append(r)
            log(f"[{label}] round {rep + 1}/{reps} {tool}: {r['wall']:.2f} s, {r['rss'] / 1024:.0f} MiB")
    load_after = loadavg()

    med = {t: statistics.median(r["wall"] for r in runs[t]) for t in tools}
    lines = [f"### {rows:,} rows ({size_mb:.0f} MB CSV)", "",
             f"Load average (1/5/15 min) before: {load_before}; after: {load_after}. "
             f"Median of {reps} after a warm-up, tools alternating.", "",
             "| tool | median s | min s | max s | peak RSS MiB | time ÷ npsdesk |", "| --- | --- | --- | --- | --- | --- |"]
    for t in tools:
        walls = [r["wall"] for r in runs[t]]
        rss = max(r["rss"] for r in runs[t]) / 1024
        ratio = f"{med[t] / med['npsdesk']:.2f}×" if "npsdesk" in med else ""
        name = "npsdesk (import + 3 reports)" if t == "npsdesk" else t
        lines.append(f"| {name} | {fmt_s(statistics.median(walls))} | {fmt_s(min(walls))} | {fmt_s(max(walls))} "
                     f"| {rss:.0f} | {ratio} |")
    if "npsdesk" in tools:
        lines += ["", "| npsdesk step | median s | min s | max s | peak RSS MiB |", "| --- | --- | --- | --- | --- |"]
        for step in runs["npsdesk"][0]["steps"]:
            walls = [r["steps"][step][0] for r in runs["npsdesk"]]
            rss = max(r["steps"][step][1] for r in runs["npsdesk"]) / 1024
            lines.append(f"| {step} | {fmt_s(statistics.median(walls))} | {fmt_s(min(walls))} | "
                         f"{fmt_s(max(walls))} | {rss:.0f} |")
        ws = runs["npsdesk"][-1].get("workspace_bytes", 0)
        lines += ["", f"Workspace after import: {ws / 1e6:.0f} MB ({ws / csv.stat().st_size:.2f}× the CSV)."]
    ratios = []
    if "npsdesk" in med and "duckdb" in med:
        ratios.append(f"npsdesk ÷ DuckDB = {med['npsdesk'] / med['duckdb']:.2f}")
    if "npsdesk" in med and "pandas" in med:
        ratios.append(f"pandas ÷ npsdesk = {med['pandas'] / med['npsdesk']:.2f}")
    if ratios:
        lines += ["", "Ratios of medians: " + "; ".join(ratios) + "."]
    lines += ["", summary + "."]
    text = "\n".join(lines) + "\n"
    data = {"label": label, "rows": rows, "csv": str(csv), "csv_bytes": csv.stat().st_size, "reps": reps,
            "load_before": load_before, "load_after": load_after, "agreement": summary,
            "theme_diffs": theme_diffs,
            "runs": {t: [{k: v for k, v in r.items() if k != "out"} for r in runs[t]] for t in tools}}
    return text, data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100k,1m", help="comma-separated: 100k, 1m, 5m (default 100k,1m)")
    ap.add_argument("--with-5m", action="store_true", help="also 5,000,000 rows (1.5 GB of CSV)")
    ap.add_argument("--reps", type=int, default=3, help="timed rounds after the warm-up (default 3)")
    ap.add_argument("--cache", default=os.environ.get("NPSDESK_BENCH_CACHE", "/tmp/npsdesk-bench"),
                    help="inputs, venv and workspaces (default /tmp/npsdesk-bench)")
    ap.add_argument("--tools", default="npsdesk,duckdb,polars,pandas")
    ap.add_argument("--skip-build", action="store_true", help="use the release binary as it is")
    ap.add_argument("--allow-theme-diff", action="store_true",
                    help="time even if theme counts differ (the differences are printed)")
    args = ap.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("/usr/bin/time is missing (apt-get install time)")
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if args.with_5m and "5m" not in sizes:
        sizes.append("5m")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        sys.exit(f"unknown size(s) {unknown}; use {', '.join(SIZES)}")
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    cache = Path(args.cache).resolve()
    if cache == ROOT or ROOT in cache.parents:
        sys.exit(f"--cache {cache} is inside the repository; use a directory outside it")
    cache.mkdir(parents=True, exist_ok=True)

    ctx = {"cache": cache, "npsdesk": npsdesk_binary(args.skip_build)}
    if any(t in RIVALS for t in tools):
        ctx["python"] = venv_python(cache)
    header = [f"Machine: {machine()}", f"Command: {' '.join(sys.argv)}",
              f"Started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"]
    if "python" in ctx:
        v = versions(ctx["python"])
        header.append("Rivals: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    report = ["\n".join(header), ""]
    all_data = []
    for label in sizes:
        text, data = bench_size(label, SIZES[label], ctx, tools, args.reps, args.allow_theme_diff)
        report.append(text)
        all_data.append(data)
        (cache / f"results-{label}.md").write_text("\n".join(header) + "\n\n" + text)
        (cache / f"results-{label}.json").write_text(json.dumps(data, indent=1))
    for f in cache.glob("bench.npsdesk*"):
        f.unlink()
    print("\n".join(report))


if __name__ == "__main__":
    main()
