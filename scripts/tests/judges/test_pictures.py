"""The lab's pictures: labels that can be read."""
import json
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "lib"))
import pictures  # noqa: E402


def test_phase_labels_a_fraction_of_a_second_apart_do_not_overlap():
    figure, ax = pictures.plt.subplots(figsize=(11, 4.8))
    ax.set_xlim(-5, 30)
    # As in a real crash drill: down, pre-warm, webhook, running and first 200 within 1.6 s.
    marks = [(0.0, "on-prem down"), (1.5, "pre-warm alert"), (1.51, "webhook"), (1.6, "cloud running"),
             (1.62, "first cloud 200"), (4.5, "OnPremDown firing"), (9.2, "on-prem back"), (9.5, "failback"),
             (9.55, "alert resolved"), (22.0, "cloud stopped")]
    figure.canvas.draw()
    labels = pictures.place_labels(ax, marks, 1.01)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in labels]
    overlapping = [(a.get_text(), b.get_text()) for i, a in enumerate(labels) for j, b in enumerate(labels)
                   if i < j and boxes[i].overlaps(boxes[j])]
    assert overlapping == []
    assert len(labels) == len(marks)


def test_a_memory_panel_reads_in_mib_over_the_runs_own_time(tmp_path):
    start = 1_800_000_000
    points = [(start + 20 + t, 46_700_000 + 1000 * t) for t in range(0, 30, 2)]
    (tmp_path / "dashboard.json").write_text(json.dumps({"start": start, "end": start + 60, "panels": [
        {"title": "Memory", "grid": {"x": 0, "y": 0, "w": 12, "h": 6}, "unit": "bytes", "series": [["failoverd", points]]},
        {"title": "Errors", "grid": {"x": 12, "y": 0, "w": 12, "h": 6}, "unit": "reqps", "series": [["5xx", []]]}]}))
    pictures.dashboard(tmp_path)
    drawing = (tmp_path / "dashboard.svg").read_text()
    assert "Memory (MiB)" in drawing and "Errors (req/s)" in drawing
    # In the drawing's text only: the SVG's random clip-path ids may hold "1e7" (a CI run's did).
    texts = re.findall(r">([^<]*)</text>", drawing)
    assert texts and not any("e+07" in text or "1e7" in text for text in texts)
    assert "no data" in drawing  # the panel whose only series has no points


def test_the_panels_show_the_drill_not_the_build_before_it(tmp_path):
    # A first `make lab`: the queries span the whole run, the build's 8 minutes included; the
    # drill's data starts 480 s in, on-prem goes down at 500 s and is back at 520 s.
    start = 1_800_000_000
    down = start + 500
    points = [(start + 480 + t, 40_000_000 + 1000 * t) for t in range(0, 90, 2)]
    (tmp_path / "dashboard.json").write_text(json.dumps({"start": start, "end": start + 570, "panels": [
        {"title": "Memory", "grid": {"x": 0, "y": 0, "w": 24, "h": 6}, "unit": "bytes", "series": [["failoverd", points]]}]}))
    (tmp_path / "drill.json").write_text(json.dumps({"onprem_down": down, "onprem_back": down + 20}))
    pictures.dashboard(tmp_path)
    ticks = re.findall(r">([^<]*)</text>", (tmp_path / "dashboard.svg").read_text())
    assert "0 s" in ticks and "60 s" in ticks  # seconds from on-prem down, to the end of the queries
    assert not any(tick in ticks for tick in ("100 s", "300 s", "500 s"))  # not the minutes before the drill


def test_a_copy_on_several_nodes_gets_a_lane_per_node_naming_what_each_served(tmp_path):
    down = 1_800_000_000.0
    phases = {"onprem_down": down, "container_running": down + 1.9, "onprem_back": down + 9.0}
    (tmp_path / "report.json").write_text(json.dumps({"scenario": "crash", "profile": "fast", "phases": phases, "nodes": {
        "swarm-node1": {"running": [[1.9, 20.3]], "requests_served": 463},
        "swarm-node2": {"running": [[2.0, None]], "requests_served": 21}}}))
    (tmp_path / "requests.jsonl").write_text("".join(
        json.dumps({"time": down - 5 + n / 10, "latency": 0.01, "status": 200, "site": "cloud"}) + "\n" for n in range(300)))
    pictures.timeline(tmp_path)
    drawing = (tmp_path / "timeline.svg").read_text()
    assert "swarm-node1 (463 served)" in drawing and "swarm-node2 (21 served)" in drawing
