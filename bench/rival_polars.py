"""The benchmark job in polars (Python): read the whole export, NPS overall / by plan / region / quarter /
plan x quarter, 12 keyword themes with NPS per theme. Usage: rival_polars.py EXPORT.csv RULES.toml"""

import sys

import polars as pl

from _common import COMMENT, DATE_FORMAT, END, NPS, PLAN, REGION, emit, group, pattern, themes

AGG = [pl.len().alias("n"), pl.col("promoter").sum().alias("p"), pl.col("passive").sum().alias("a"),
       pl.col("detractor").sum().alias("d")]


def by(scored, keys):
    out = {}
    for row in scored.group_by(keys).agg(AGG).iter_rows(named=True):
        name = "|".join(row[k] for k in keys)
        out[name] = group(row["n"], row["p"], row["a"], row["d"])
    return out


def main(path, rules):
    # All columns as text; row 2 of a SurveyMonkey export is the sub-header: skip it.
    df = pl.read_csv(path, skip_rows_after_header=1, infer_schema=False)
    score = pl.col(NPS).str.extract(r"^(\d+)", 1).cast(pl.Int32)
    end = pl.col(END).str.strptime(pl.Datetime, DATE_FORMAT)
    theme_list = themes(rules)
    low = pl.col(COMMENT).fill_null("").str.to_lowercase()
    frame = df.lazy().select(
        pl.col(PLAN).fill_null("").alias("plan"),
        pl.col(REGION).fill_null("").alias("region"),
        (end.dt.year().cast(pl.String) + "-Q" + end.dt.quarter().cast(pl.String)).alias("quarter"),
        (score >= 9).alias("promoter"),
        score.is_between(7, 8).alias("passive"),
        (score <= 6).alias("detractor"),
        score.is_not_null().alias("scored"),
        (pl.col(COMMENT).fill_null("") != "").alias("has_comment"),
        *[low.str.contains(pattern(words)).alias(f"t{i}") for i, (_, words) in enumerate(theme_list)],
    ).collect()
    scored = frame.filter(pl.col("scored"))
    o = scored.select(AGG).row(0, named=True)
    result = {
        "overall": group(o["n"], o["p"], o["a"], o["d"]),
        "by_plan": by(scored, ["plan"]),
        "by_region": by(scored, ["region"]),
        "by_quarter": by(scored, ["quarter"]),
        "by_plan_quarter": by(scored, ["plan", "quarter"]),
    }
    theme_out = {}
    for i, (name, _) in enumerate(theme_list):
        hit = frame.filter(pl.col("has_comment") & pl.col(f"t{i}"))
        t = hit.filter(pl.col("scored")).select(AGG).row(0, named=True)
        theme_out[name] = {**group(t["n"], t["p"], t["a"], t["d"]), "mentions": hit.height}
    result["themes"] = {"comments": int(frame["has_comment"].sum()), "themes": theme_out}
    emit(result)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
