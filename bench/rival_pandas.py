"""The benchmark job in pandas: read the whole export, NPS overall / by plan / region / quarter / plan x
quarter, 12 keyword themes with NPS per theme. Usage: rival_pandas.py EXPORT.csv RULES.toml"""

import sys

import pandas as pd

from _common import COMMENT, DATE_FORMAT, END, NPS, PLAN, REGION, emit, group, pattern, themes


def counts(df):
    return group(len(df), df["promoter"].sum(), df["passive"].sum(), df["detractor"].sum())


def by(df, keys):
    g = df.groupby(keys, sort=True, dropna=False)[["promoter", "passive", "detractor"]].sum()
    n = df.groupby(keys, sort=True, dropna=False).size()
    out = {}
    for key, row in g.iterrows():
        name = "|".join(key) if isinstance(key, tuple) else key
        out[name] = group(n[key], row["promoter"], row["passive"], row["detractor"])
    return out


def main(path, rules):
    # Row 2 of a SurveyMonkey export is the sub-header ("Response", option labels): skip it.
    df = pd.read_csv(path, skiprows=[1], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    score = pd.to_numeric(df[NPS].str.extract(r"^(\d+)", expand=False), errors="coerce")
    end = pd.to_datetime(df[END], format=DATE_FORMAT)
    quarter = end.dt.year.astype(str) + "-Q" + end.dt.quarter.astype(str)
    comment = df[COMMENT]
    low = comment.str.lower()
    frame = pd.DataFrame({
        "plan": df[PLAN], "region": df[REGION], "quarter": quarter,
        "promoter": score >= 9, "passive": (score >= 7) & (score <= 8), "detractor": score <= 6,
        "scored": score.notna(),
    })
    scored = frame[frame["scored"]]
    result = {
        "overall": counts(scored),
        "by_plan": by(scored, "plan"),
        "by_region": by(scored, "region"),
        "by_quarter": by(scored, "quarter"),
        "by_plan_quarter": by(scored, ["plan", "quarter"]),
    }
    has_comment = comment != ""
    theme_out = {}
    for name, words in themes(rules):
        hit = has_comment & low.str.contains(pattern(words), regex=True)
        t = counts(frame[hit & frame["scored"]])
        t["mentions"] = int(hit.sum())
        theme_out[name] = t
    result["themes"] = {"comments": int(has_comment.sum()), "themes": theme_out}
    emit(result)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
