#!/usr/bin/env python3
"""DuckDB's side of the dashboard benchmark (crates/lantern/benches/dashboard): the same dashboard
figures as Lantern's, computed by DuckDB from Lantern's CSV export of the same episodes.

    duckdb_dashboard.py EPISODES.csv QUESTIONS.json OUT.json [--warmup N] [--suppress-below 8]

1. Load: the CSV into an in-memory table, once, timed. At load each episode gets its UK day
   (Europe/London, through DuckDB's ICU time zones) and its `;`-separated cells become lists, so the
   queries below read typed columns, as Lantern's read its rollups.
2. Query: for each question (a practice and a financial quarter, or the ICB's 40 practices and a
   financial year) one SQL query tallies episodes and minutes per practice x dimension x key
   (channel, approach, outcome, age band, and each service, task, barrier and helper of an episode),
   and Python works out what the page shows: totals, staff-minutes, breakdowns, top share, Gini and
   effective helpers; for a practice also the previous period's totals; for the ICB each practice's
   row, and counts from 1 to 7 left out as Lantern suppresses them. Each question is timed from the
   query being sent to the figures being ready, after N uncounted warm-up questions.

Writes JSON (timings, figures, DuckDB version, threads, load time, memory peak) to OUT.json for the
Rust side to compare with Lantern's.
"""

import argparse
import json
import resource
import sys
import time

import duckdb

DIMENSIONS = ["channel", "approach", "outcome", "age_band"]
LISTS = [("service", "services"), ("task", "tasks"), ("barrier", "barriers"), ("helper", "helpers")]


def vm_hwm_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load(con, path):
    con.execute("SET TimeZone = 'Europe/London'")
    split = "CASE WHEN coalesce({0}, '') = '' THEN []::VARCHAR[] ELSE string_split({0}, ';') END AS {0}"
    con.execute(
        f"""
        CREATE TABLE episodes AS
        SELECT practice,
               CAST(CAST(occurred_at AS TIMESTAMPTZ) AS DATE) AS day,
               CAST(duration_minutes AS BIGINT) AS minutes,
               channel, approach, outcome,
               coalesce(nullif(age_band, ''), 'not_recorded') AS age_band,
               {split.format('services')}, {split.format('tasks')},
               {split.format('barriers')}, {split.format('helpers')}
        FROM read_csv(?, header = true, all_varchar = true)
        """,
        [path],
    )
    return con.execute("SELECT count(*) FROM episodes").fetchone()[0]


def tally_sql(with_helpers):
    parts = ["SELECT practice, 'all' AS dimension, '' AS key, count(*) AS n, sum(minutes) AS m FROM e GROUP BY ALL"]
    for column in DIMENSIONS:
        parts.append(f"SELECT practice, '{column}', {column}, count(*), sum(minutes) FROM e GROUP BY ALL")
    for dimension, column in LISTS:
        if dimension == "helper" and not with_helpers:
            continue
        parts.append(
            f"SELECT practice, '{dimension}', k, count(*), sum(minutes) "
            f"FROM (SELECT practice, unnest({column}) AS k, minutes FROM e) GROUP BY ALL"
        )
    where = "practice IN (SELECT unnest($practices)) AND day BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)"
    return f"WITH e AS MATERIALIZED (SELECT * FROM episodes WHERE {where}) " + " UNION ALL ".join(parts)


def concentration(minutes):
    values = sorted(float(m) for m in minutes if m > 0)
    total = sum(values)
    if not values or total <= 0:
        return None
    n = len(values)
    weighted = sum((2.0 * (i + 1) - n - 1) * x for i, x in enumerate(values))
    gini = max(weighted / (n * total), 0.0)
    return [values[-1] / total, gini, 1.0 / sum((x / total) ** 2 for x in values)]


def round4(value):
    # As Lantern rounds: half away from zero.
    factor = 10_000.0
    return float(int(abs(value) * factor + 0.5)) / factor * (1 if value >= 0 else -1)


def answer(con, question, suppress_below):
    practice_question = question["kind"] == "practice_quarter"
    params = {"practices": question["practices"], "from": question["from"], "to": question["to"]}
    rows = con.execute(tally_sql(True), params).fetchall()
    per_practice = {}
    for practice, dimension, key, n, m in rows:
        per_practice.setdefault(practice, {}).setdefault(dimension, {})[key] = [int(n), int(m)]
    total = {}
    for tallies in per_practice.values():
        for dimension, keys in tallies.items():
            into = total.setdefault(dimension, {})
            for key, (n, m) in keys.items():
                sum_ = into.setdefault(key, [0, 0])
                sum_[0] += n
                sum_[1] += m
    episodes, minutes = total.get("all", {}).get("", [0, 0])
    helpers = total.get("helper", {})
    figures = {
        "episodes": episodes,
        "minutes": minutes,
        "staff_minutes": None,
        "previous": None,
        "tallies": {},
        "concentration": None,
        "rows": {},
    }
    small = lambda n: 1 <= n < suppress_below  # noqa: E731
    for dimension, keys in total.items():
        if dimension == "all" or (dimension == "helper" and not practice_question):
            continue
        kept = {k: v for k, v in keys.items() if practice_question or not small(v[0])}
        if kept:
            figures["tallies"][dimension] = kept
    if practice_question:
        figures["staff_minutes"] = sum(m for _, m in helpers.values())
        figures["concentration"] = concentration([m for _, m in helpers.values()])
        previous_from, previous_to = question["previous"]
        figures["previous"] = [
            int(v or 0)
            for v in con.execute(
                "SELECT count(*), sum(minutes) FROM episodes WHERE practice IN (SELECT unnest($practices)) "
                "AND day BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)",
                {"practices": question["practices"], "from": previous_from, "to": previous_to},
            ).fetchone()
        ]
    else:
        for org, tallies in list(per_practice.items()) + [(question["org"], total)]:
            n, m = tallies.get("all", {}).get("", [0, 0])
            if small(n):
                continue
            top = concentration([m for _, m in tallies.get("helper", {}).values()])
            figures["rows"][org] = [n, m, round4(top[0]) if top else 0.0]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv")
    parser.add_argument("questions")
    parser.add_argument("out")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--suppress-below", type=int, default=8)
    args = parser.parse_args()
    with open(args.questions) as f:
        questions = json.load(f)
    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    started = time.perf_counter()
    rows = load(con, args.csv)
    load_seconds = time.perf_counter() - started
    hwm_after_load = vm_hwm_kb()
    print(f"DuckDB {duckdb.__version__}: loaded {rows} episodes in {load_seconds:.1f} s", file=sys.stderr)
    for i in range(args.warmup):
        answer(con, questions[i % len(questions)], args.suppress_below)
    answers = []
    for question in questions:
        started = time.perf_counter()
        figures = answer(con, question, args.suppress_below)
        answers.append({"ms": (time.perf_counter() - started) * 1000.0, "figures": figures})
    result = {
        "version": duckdb.__version__,
        "threads": int(threads),
        "rows": rows,
        "load_seconds": load_seconds,
        "hwm_load_kb": hwm_after_load,
        "hwm_kb": vm_hwm_kb(),
        "answers": answers,
    }
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
