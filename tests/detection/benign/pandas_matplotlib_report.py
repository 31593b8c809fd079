# A weekly report as analysts' cron jobs make it: pandas reads a CSV,
# groups, pivots and resamples it, writes Excel-free outputs (CSV, JSON,
# HTML), and matplotlib (Agg) draws a chart to a PNG and a PDF.
import os

workdir = os.environ["BENIGN_WORKDIR"]
os.environ["MPLCONFIGDIR"] = os.path.join(workdir, "matplotlib")  # its font cache stays in the scratch directory
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

rng = np.random.default_rng(7)
days = pd.date_range("2024-01-01", periods=90, freq="D")
frame = pd.DataFrame({"day": np.repeat(days, 3), "host": ["web1", "web2", "db1"] * 90,
                      "requests": rng.integers(100, 1000, 270), "errors": rng.integers(0, 20, 270)})
frame.to_csv(os.path.join(workdir, "traffic.csv"), index=False)
traffic = pd.read_csv(os.path.join(workdir, "traffic.csv"), parse_dates=["day"])
traffic["error_rate"] = traffic["errors"] / traffic["requests"]
by_host = traffic.groupby("host").agg(requests=("requests", "sum"), worst=("error_rate", "max"))
assert list(by_host.index) == ["db1", "web1", "web2"]
weekly = traffic.pivot_table(index="day", columns="host", values="requests", aggfunc="sum").resample("W").sum()
assert len(weekly) >= 13
weekly.to_json(os.path.join(workdir, "weekly.json"), date_format="iso")
with open(os.path.join(workdir, "report.html"), "w") as out:
    out.write(by_host.style.format(precision=3).to_html() if hasattr(by_host, "style") else by_host.to_html())
rolling = traffic[traffic.host == "web1"].set_index("day")["requests"].rolling(7).mean()
figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
weekly.plot(ax=top, title="Requests per week")
top.legend(loc="upper left")
bottom.plot(rolling.index, rolling.values, color="tab:red", label="web1, 7-day mean")
bottom.fill_between(rolling.index, rolling.values, alpha=0.2)
bottom.legend()
figure.tight_layout()
figure.savefig(os.path.join(workdir, "traffic.png"), dpi=80)
figure.savefig(os.path.join(workdir, "traffic.pdf"))
plt.close(figure)
with open(os.path.join(workdir, "traffic.png"), "rb") as image:
    assert image.read(8) == b"\x89PNG\r\n\x1a\n"
