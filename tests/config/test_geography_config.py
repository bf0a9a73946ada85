"""The [geography] section: boundary files shipped in the package named with ``package:``, and
the warning check-config gives a configuration that names none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, config_from_data, default_config_data, load_config
from tests.support.configs import BOUNDARY_FILES, without_boundaries, write_config_data

PACKAGE = Path(__file__).resolve().parents[2] / "bot"


def test_the_default_names_its_shipped_boundary_files_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loaded as the built-in default from a folder without config.toml, or copied into another
    folder, the default's boundary files are the package's own."""
    monkeypatch.chdir(tmp_path)
    built_in = load_config(None)
    assert built_in.source == "default"
    (tmp_path / "copy").mkdir()
    copied = load_config(write_config_data(tmp_path / "copy", default_config_data()))
    for loaded in (built_in, copied):
        for key in BOUNDARY_FILES:
            path = getattr(loaded.config.geography, key)
            assert path.is_file(), key
            assert PACKAGE / "geo" / "outlines" in path.parents, key


@pytest.mark.parametrize("value", ["package:", "package:../pyproject.toml", "package:/etc/hosts"])
def test_a_package_path_outside_the_package_is_a_problem(value: str) -> None:
    """``package:`` names a file shipped inside the package, nothing else."""
    data = default_config_data()
    data["geography"]["district_boundary"] = value
    with pytest.raises(ConfigError) as caught:
        config_from_data(data, base_dir=Path("."))
    assert [p.path for p in caught.value.problems] == ["geography.district_boundary"]
    assert "shipped inside the package" in caught.value.problems[0].message


def test_check_config_warns_without_boundary_files_and_says_what_happens_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without boundary files the configuration is still valid (ok, exit 0), and check-config
    warns that the bot will approximate: accept near the edge and mark it for the agency."""
    config = write_config_data(tmp_path, without_boundaries(default_config_data()))
    assert main(["check-config", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "ok"
    assert "warning: geography: no boundary files are named" in err
    assert "near the edge it accepts the report and marks it for the agency to confirm" in err


def test_check_config_of_the_default_gives_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default names its boundary files: nothing to warn about."""
    config = write_config_data(tmp_path, default_config_data())
    assert main(["check-config", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert (out.strip(), "warning" in err) == ("ok", False)
