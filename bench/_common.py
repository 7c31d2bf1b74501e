"""Shared by the rival scripts: the export's columns, the 12 themes of themes12.toml, the JSON they print.

Every rival prints the same JSON (keys sorted), which bench/run.py also builds from npsdesk's own output:

    {"overall": G, "by_plan": {plan: G}, "by_region": {region: G}, "by_quarter": {"2025-Q3": G},
     "by_plan_quarter": {"Pro|2025-Q3": G},
     "themes": {"comments": C, "themes": {name: {"mentions": M, **G}}}}

G = {"n", "promoters", "passives", "detractors", "nps"} over the responses with an NPS answer; a group key
"" is "left empty". Quarters are those of End Date. A theme's mentions count non-empty comments that match
one of its keywords as a lowercase whole word; its G counts those with an NPS answer.
"""

import json
import re
import sys
import tomllib

END = "End Date"
NPS = "How likely is it that you would recommend Acme to a friend or colleague?"
COMMENT = "What is the primary reason for your score?"
PLAN = "Which plan are you on?"
REGION = "Region"
DATE_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def themes(path):
    """[(name, [keywords])] of a rule file made only of plain `any` words (as themes12.toml is)."""
    with open(path, "rb") as fh:
        rules = tomllib.load(fh)
    if rules.get("stemming", True):
        sys.exit(f"{path}: the rivals match whole words; the rule file must say stemming = false")
    out = []
    for t in rules["themes"]:
        words = t.get("any", [])
        for w in words:
            if not re.fullmatch(r"[a-z0-9]+", w):
                sys.exit(f"{path}: {w!r}: the rivals only know plain lowercase words")
        out.append((t["name"], words))
    return out


def pattern(words):
    """One regex per theme: any keyword as a whole word of the lowercased comment."""
    return r"\b(?:" + "|".join(words) + r")\b"


def group(n, p, a, d):
    n, p, a, d = int(n), int(p), int(a), int(d)
    return {"n": n, "promoters": p, "passives": a, "detractors": d,
            "nps": (100.0 * (p - d) / n) if n else None}


def emit(result):
    json.dump(result, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")
