"""The lab's pictures: labels that can be read."""
import pathlib
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


def test_values_read_in_the_panels_units():
    assert pictures.UNITS["bytes"](46_700_000) == "45 MiB"
    assert pictures.UNITS["s"](0.00475) == "5 ms"
    assert pictures.UNITS["percentunit"](0.25) == "25 %"
    assert pictures.UNITS["reqps"](36.9) == "37 req/s"
