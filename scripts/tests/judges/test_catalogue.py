"""The scenario catalogue: each scenario is one folder holding its fault (run.sh) and its
expectations (expect.py), and a folder missing either is refused rather than run half-defined."""
import pathlib
import re
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "lib"))
import chaos_verdict  # noqa: E402


def test_every_scenario_has_its_fault_and_its_expectations_side_by_side():
    names = chaos_verdict.names()
    assert names[0] == "crash" and len(names) >= 16
    for name in names:
        folder = pathlib.Path(chaos_verdict.SCENARIOS_DIR) / name
        assert re.search(r"^scenario_run\(\)", (folder / "run.sh").read_text(), re.MULTILINE), name
        scenario = chaos_verdict.Scenario(name)
        assert scenario.description and scenario.expectations, name


def test_a_scenario_without_its_fault_is_refused(tmp_path, monkeypatch):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "expect.py").write_text('"""a scenario with expectations only"""\nEXPECTATIONS = [("x", lambda run: True)]\n')
    monkeypatch.setattr(chaos_verdict, "SCENARIOS_DIR", str(tmp_path))
    with pytest.raises(SystemExit, match="run.sh is missing"):
        chaos_verdict.Scenario("half")


def test_a_scenario_without_expectations_is_refused(tmp_path, monkeypatch):
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "run.sh").write_text("scenario_run() { :; }\n")
    (tmp_path / "quiet" / "expect.py").write_text('"""does something"""\nEXPECTATIONS = []\n')
    monkeypatch.setattr(chaos_verdict, "SCENARIOS_DIR", str(tmp_path))
    with pytest.raises(SystemExit, match="needs a docstring"):
        chaos_verdict.Scenario("quiet")


def test_an_unknown_name_is_refused_naming_the_scenarios(capsys):
    assert chaos_verdict.main(["--check-name", "nonsense"]) == 2
    assert "one of: crash, " in capsys.readouterr().err


def test_the_failure_modes_table_names_every_scenario_in_the_catalogue():
    # A scenario folder git does not track (an ignore pattern once caught crash-loop/) is missing
    # from a fresh clone; docs/failure-modes.md's table still names it, so the two must agree.
    page = (pathlib.Path(__file__).resolve().parents[3] / "docs" / "failure-modes.md").read_text()
    table = page.split("| scenario | what happens | what must hold |", 1)[1].split("\n\n", 1)[0]
    documented = re.findall(r"^\| ([a-z][a-z-]*) \|", table, re.MULTILINE)
    assert sorted(documented) == sorted(chaos_verdict.names())
