"""Same seed and options → byte-identical files; another seed → a different estate."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from finops.generator import GenerateResult, generate
from tests.generator.helpers import small_options
from tests.generator.output_digest import estate_digests


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes(estate: GenerateResult, tmp_path: Path) -> None:
    again = generate(small_options(tmp_path / "again"))
    first, second = digests(estate.out_dir), digests(again.out_dir)
    assert len(first) > 10
    assert first == second
    assert again.totals == estate.totals
    content = estate_digests(again)
    assert content == estate_digests(estate)
    kinds = {name.split("/")[0] for name in content}
    assert kinds == {
        "(result)",
        "cur2",
        "cur",
        "focus",
        "cloudwatch",
        "config",
        "ground_truth.json",
    }


def test_other_seed_differs(estate: GenerateResult, tmp_path: Path) -> None:
    other = generate(
        small_options(
            tmp_path / "other", seed=7, formats=("cur2",), utilization=False, inventory=False
        )
    )
    assert other.totals != estate.totals


def test_result_lists_every_file(estate: GenerateResult) -> None:
    on_disk = {p for p in estate.out_dir.rglob("*") if p.is_file()}
    assert set(estate.files) == on_disk
    assert estate.ground_truth_path in on_disk


@pytest.mark.parametrize("bad", [{"accounts": 0}, {"formats": ("xml",)}, {"scale": "huge"}])
def test_bad_options_are_refused(tmp_path: Path, bad: dict[str, object]) -> None:
    from finops.generator import GeneratorError

    with pytest.raises(GeneratorError):
        generate(small_options(tmp_path, **bad))


def test_refuses_to_clear_foreign_folders(tmp_path: Path) -> None:
    from finops.generator import GeneratorError

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "mine.txt").write_text("not generator output")
    with pytest.raises(GeneratorError, match="choose an empty"):
        generate(small_options(tmp_path))
    assert (tmp_path / "config" / "mine.txt").exists()
