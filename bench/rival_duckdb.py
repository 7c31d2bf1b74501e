"""The benchmark job in DuckDB (Python API): read the whole export, NPS overall / by plan / region / quarter
/ plan x quarter, 12 keyword themes with NPS per theme. Usage: rival_duckdb.py EXPORT.csv RULES.toml"""

import csv
import sys

import duckdb

from _common import COMMENT, DATE_FORMAT, END, NPS, PLAN, REGION, emit, group, pattern, themes


def main(path, rules):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        names = next(csv.reader(fh))
    # Both header rows skipped, every column read as text under the names of row 1 (blank names made unique).
    names = [n if n else f"column{i}" for i, n in enumerate(names)]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE export AS SELECT * FROM read_csv(?, header = false, skip = 2, all_varchar = true, "
        "delim = ',', quote = '\"', escape = '\"', names = ?)", [path, names])
    theme_list = themes(rules)
    theme_cols = ", ".join(
        f"regexp_matches(lc, '{pattern(words)}') AS t{i}" for i, (_, words) in enumerate(theme_list))
    con.execute(f"""
        CREATE TABLE r AS
        SELECT coalesce(plan, '') AS plan, coalesce(region, '') AS region,
               strftime(e, '%Y') || '-Q' || quarter(e) AS quarter,
               s, s >= 9 AS promoter, s BETWEEN 7 AND 8 AS passive, s <= 6 AS detractor,
               coalesce(comment, '') <> '' AS has_comment, {theme_cols}
        FROM (SELECT TRY_CAST(regexp_extract("{NPS}", '^(\\d+)') AS INTEGER) AS s,
                     strptime("{END}", '{DATE_FORMAT}') AS e,
                     "{PLAN}" AS plan, "{REGION}" AS region, "{COMMENT}" AS comment,
                     lower("{COMMENT}") AS lc
              FROM export)""")
    agg = "count(*), count_if(promoter), count_if(passive), count_if(detractor)"

    def by(keys):
        rows = con.execute(f"SELECT {keys}, {agg} FROM r WHERE s IS NOT NULL GROUP BY ALL").fetchall()
        k = keys.count(",") + 1
        return {"|".join(row[:k]): group(*row[k:]) for row in rows}

    result = {
        "overall": group(*con.execute(f"SELECT {agg} FROM r WHERE s IS NOT NULL").fetchone()),
        "by_plan": by("plan"),
        "by_region": by("region"),
        "by_quarter": by("quarter"),
        "by_plan_quarter": by("plan, quarter"),
    }
    theme_out = {}
    for i, (name, _) in enumerate(theme_list):
        row = con.execute(f"SELECT count(*), count_if(s IS NOT NULL), count_if(promoter), count_if(passive), "
                          f"count_if(detractor) FROM r WHERE has_comment AND t{i}").fetchone()
        theme_out[name] = {**group(*row[1:]), "mentions": row[0]}
    comments = con.execute("SELECT count_if(has_comment) FROM r").fetchone()[0]
    result["themes"] = {"comments": comments, "themes": theme_out}
    emit(result)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
