# Data processing: a CSV export read, cleaned and aggregated, written as JSON
# and JSON Lines, re-read and summarised with statistics and Decimal.
import csv, collections, decimal, json, os, statistics

workdir = os.environ["BENIGN_WORKDIR"]
source = os.path.join(workdir, "sales.csv")
with open(source, "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["date", "region", "product", "amount"])
    for n in range(500):
        writer.writerow([f"2024-01-{n % 28 + 1:02d}", ["north", "south", "east"][n % 3], f"p{n % 7}",
                         f"{(n * 37) % 1000 / 10:.2f}"])
totals = collections.defaultdict(decimal.Decimal)
amounts = []
with open(source, newline="") as handle:
    for row in csv.DictReader(handle):
        totals[row["region"]] += decimal.Decimal(row["amount"])
        amounts.append(float(row["amount"]))
summary = {"totals": {k: str(v) for k, v in sorted(totals.items())}, "mean": statistics.mean(amounts),
           "median": statistics.median(amounts), "stdev": statistics.stdev(amounts)}
with open(os.path.join(workdir, "summary.json"), "w") as out:
    json.dump(summary, out, indent=2, sort_keys=True)
with open(os.path.join(workdir, "rows.jsonl"), "w") as out:
    for region, total in summary["totals"].items():
        out.write(json.dumps({"region": region, "total": total}) + "\n")
with open(os.path.join(workdir, "rows.jsonl")) as back:
    assert [json.loads(line)["region"] for line in back] == ["east", "north", "south"]
with open(os.path.join(workdir, "summary.json")) as back:
    assert json.load(back, parse_float=decimal.Decimal)["totals"] == summary["totals"]
