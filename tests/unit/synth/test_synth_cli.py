"""`satudata synth` writes NDJSON and the truth beside it, and refuses unknown feeds in both languages."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from services.cli import app


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["synth", *args])


def test_writes_events_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "batch" / "children.ndjson"
    result = _invoke(
        "--feed", "child_measurement", "--month", "2026-10", "--count", "300", "--seed", "7",
        "--bad-rate", "0.02", "--dup-rate", "0.01", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 303
    assert all(orjson.loads(line)["type"] == "id.ntt.satudata.child_measurement.v1" for line in lines)
    truth = orjson.loads((tmp_path / "batch" / "children.truth.json").read_bytes())
    assert truth["feed"] == "child_measurement" and truth["seed"] == 7
    assert truth["counts"]["received"] == 303


def test_same_command_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.ndjson", "b.ndjson"):
        result = _invoke(
            "--feed", "all", "--month", "2026-09", "--count", "40", "--seed", "2", "-o", str(tmp_path / name)
        )
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert (tmp_path / "a.truth.json").read_bytes() == (tmp_path / "b.truth.json").read_bytes()


def test_unknown_feed(tmp_path: Path) -> None:
    result = _invoke("--feed", "stunting", "--month", "2026-10", "-o", str(tmp_path / "x.ndjson"))
    assert result.exit_code == 2
    assert "tidak dikenal" in result.output and "unknown feed" in result.output
    assert "child_measurement" in result.output
    assert not (tmp_path / "x.ndjson").exists()


def test_bad_month(tmp_path: Path) -> None:
    result = _invoke("--feed", "population", "--month", "2026-13", "-o", str(tmp_path / "x.ndjson"))
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output
