"""`satudata contracts check`, through typer's CliRunner: all right, and each way it must refuse."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import orjson
from typer.testing import CliRunner

from satudata.events import FEEDS
from services.cli import app
from services.quality.suite import contracts_dir

runner = CliRunner()


def copy_feed(tmp_path: Path, name: str) -> Path:
    shutil.copytree(contracts_dir() / name, tmp_path / name)
    return tmp_path / name


def check(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["contracts", "check", *args])
    return result.exit_code, result.output


def test_every_contract_is_right_and_its_rules_are_listed() -> None:
    code, output = check()
    assert code == 0, output
    assert "Semua kontrak benar / every contract is right (8 feed)" in output
    for name in FEEDS:
        assert re.search(rf"{name}\s+│\s+(\d+)/\1\s", output), name  # every expectation loaded
    assert "activity_type_not_in_programme" in output
    assert "Jenis kegiatan bukan kegiatan program tersebut" in output


def test_a_suite_gx_would_shorten_fails(tmp_path: Path) -> None:
    folder = copy_feed(tmp_path, "population")
    suite = orjson.loads((folder / "v1.json").read_bytes())
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_be_a_real_desa",  # no such expectation: GX would drop it
            "kwargs": {"column": "desa_code"},
            "meta": {"rule": "bogus", "message_id": "pesan", "message_en": "message"},
        }
    )
    (folder / "v1.json").write_bytes(orjson.dumps(suite))
    code, output = check("--feed", "population", "--contracts-dir", str(tmp_path))
    assert code == 1
    written = len(suite["expectations"])
    assert f"GX loaded {written - 1} of {written} expectations" in output


def test_a_bad_example_failing_another_rule_fails_and_shows_no_nik(tmp_path: Path) -> None:
    folder = copy_feed(tmp_path, "family_risk")
    lines = (folder / "examples" / "bad.ndjson").read_bytes().splitlines()
    wrong = [orjson.loads(line) for line in lines]
    target = next(e for e in wrong if e["_expect_rule"] == "nik_serial_zero")
    target["_expect_rule"] = "nik_format"  # the record really breaks nik_serial_zero
    (folder / "examples" / "bad.ndjson").write_bytes(b"\n".join(orjson.dumps(e) for e in wrong))
    code, output = check("--feed", "family_risk", "--contracts-dir", str(tmp_path))
    assert code == 1
    assert f"{target['id']}: diharapkan / expected ['nik_format'], didapat / got ['nik_serial_zero']" in output
    assert not re.search(r"[0-9]{16}", output)


def test_a_rule_without_a_bad_example_fails(tmp_path: Path) -> None:
    folder = copy_feed(tmp_path, "wash_access")
    bad = folder / "examples" / "bad.ndjson"
    kept = [line for line in bad.read_bytes().splitlines() if b'"_expect_rule":"survey_date_invalid"' not in line]
    kept = [line for line in kept if b'"_expect_rule": "survey_date_invalid"' not in line]
    assert len(kept) == len(bad.read_bytes().splitlines()) - 1
    bad.write_bytes(b"\n".join(kept))
    code, output = check("--feed", "wash_access", "--contracts-dir", str(tmp_path))
    assert code == 1
    assert "rules without a bad example: survey_date_invalid" in output


def test_an_unknown_feed_is_a_usage_error() -> None:
    code, output = check("--feed", "gizi_buruk")
    assert code == 2
    assert "gizi_buruk" in output
