"""``optarena data inspect`` / ``optarena data download`` through ``optarena.cli.main``."""

from __future__ import annotations

import hashlib
import json

import pytest
from PIL import Image

from optarena.cli import main


def test_inspect_digits_json(cli, capsys):
    cli(["data", "inspect", "digits", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["num_classes"] == 10 and report["input_shape"] == [1, 8, 8]
    assert sum(report["splits"].values()) == 1_797
    assert sum(report["per_class"]["train"].values()) == report["splits"]["train"]


def test_inspect_folder_table_with_grid_and_skipped(cli, tmp_path, capsys):
    for cls, color in (("ant", (9, 9, 9)), ("bee", (200, 200, 0))):
        (tmp_path / "f" / cls).mkdir(parents=True)
        for i in range(5):
            Image.new("RGB", (10, 8), color).save(tmp_path / "f" / cls / f"{i}.png")
    (tmp_path / "f" / "bee" / "bad.png").write_bytes(b"nope")
    with pytest.warns(UserWarning):
        cli(
            [
                "data",
                "inspect",
                str(tmp_path / "f"),
                "--image-size",
                "8",
                "--grid",
                str(tmp_path / "g.png"),
            ]
        )
    out = capsys.readouterr().out
    assert "ant" in out and "skipped files: 1" in out and "bee/bad.png" in out
    with Image.open(tmp_path / "g.png") as grid:
        assert grid.format == "PNG" and grid.size[0] > 100


def test_inspect_missing_files_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["data", "inspect", "mnist", "--data-dir", str(tmp_path)])
    assert exc.value.code == 2
    assert "--download" in capsys.readouterr().err


def test_download_command_against_loopback(cli, http_root, tmp_path, monkeypatch, capsys):
    import dataclasses

    from optarena.data.named import REGISTRY

    served, url, _ = http_root
    (served / "kmnist").mkdir()
    spec = REGISTRY.get("kmnist")
    for name in spec.files:
        (served / "kmnist" / name).write_bytes(name.encode())
    md5s = {n: hashlib.md5(n.encode()).hexdigest() for n in spec.files}
    monkeypatch.setitem(REGISTRY._entries, "kmnist", dataclasses.replace(spec, files=md5s))
    monkeypatch.setenv("OPTARENA_DATA_MIRROR", url)
    cli(["data", "download", "kmnist", "--data-dir", str(tmp_path / "k")])
    assert "verified" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == sorted(spec.files)
