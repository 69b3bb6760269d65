"""The command line: analyze, demo, exit codes, skipped sources, the dossier it writes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from khabar.present.cli import app
from khabar.present.dossier import TOP_LEVEL

runner = CliRunner()


def test_analyze_folder_writes_dossier_and_summary(tmp_path, fixtures):
    out = tmp_path / "d.json"
    res = runner.invoke(app, ["analyze", str(fixtures / "pages"), "--json", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["schema"] == "khabar.dossier/1"
    for k in TOP_LEVEL:
        assert isinstance(d[k], list)
    assert len(d["articles"]) == 3
    assert {a["id"] for a in d["articles"]} == {"derna_pasted", "derna_wire", "derna_markdown"}
    assert "articles" in res.output and "3" in res.output
    assert "skipped sources" in res.output


def test_bad_file_is_reported_and_skipped(tmp_path, fixtures):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((fixtures / "pages" / "derna_wire.txt").read_text("utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out = tmp_path / "d.json"
    res = runner.invoke(app, ["analyze", str(folder), "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "empty.txt" in res.output and "image.txt" in res.output
    d = json.loads(out.read_text(encoding="utf-8"))
    assert [a["id"] for a in d["articles"]] == ["good"]


def test_nothing_analysed_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"   \n")
    res = runner.invoke(app, ["analyze", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert "missing.txt" in res.output
    assert "nothing could be analysed" in res.output


def test_bad_field_override_is_a_usage_error(tmp_path, fixtures):
    res = runner.invoke(app, ["analyze", str(fixtures / "pages"), "--field", "text"])
    assert res.exit_code != 0
    assert "NAME=COLUMN" in res.output


def test_json_to_stdout(fixtures):
    res = runner.invoke(app, ["analyze", str(fixtures / "pages" / "derna_wire.txt"), "--json", "-", "-q"])
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    assert d["articles"][0]["wire"] == ["Reuters"]
