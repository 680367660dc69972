"""The CUR 2.0 product name is looked up by product code when the export allows it, and read
from each line item's ``product`` map when it does not; both give the same rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from finops.ingest.billing import transform as transform_module
from finops.ingest.billing.product_names import product_names_by_code
from finops.ingest.billing.sources import discover
from finops.ingest.billing.transform import transform_unit
from tests.factories.cur2 import Cur2Export


def _export(*, rename: dict[int, list[tuple[str, str]]] | None = None) -> Cur2Export:
    export = Cur2Export(name="names")
    for day in range(1, 4):
        for service in ("AmazonEC2", "AmazonS3", "AmazonRDS"):
            export.add_usage(
                day=datetime(2026, 4, day),
                account="510000000001",
                service=service,
                cost="1.2500000000",
                resource_id=f"{service}-1",
                hours=2,
            )
    for index, product in (rename or {}).items():
        export.rows[index]["product"] = product
    return export


def _rows(root: Path, work: Path) -> list[str]:
    (unit,) = discover(root, work_dir=work / "d")
    result = transform_unit(unit, work_dir=work / "t")
    return sorted(result.csv_path.read_text().splitlines())


def test_names_by_code_over_every_line_item(tmp_path: Path) -> None:
    (unit,) = discover(_export().write(tmp_path / "e"), work_dir=tmp_path / "d")
    assert product_names_by_code(unit.files) == {
        "AmazonEC2": "Amazon Elastic Compute Cloud",
        "AmazonS3": "Amazon Simple Storage Service",
        "AmazonRDS": "Amazon Relational Database Service",
    }


def test_a_code_with_two_names_is_read_per_line_item(tmp_path: Path) -> None:
    # the 4th line item (an S3 one) names its product differently
    export = _export(rename={3: [("region", "us-east-1"), ("product_name", "S3 (renamed)")]})
    assert export.rows[3]["line_item_product_code"] == "AmazonS3"
    (unit,) = discover(export.write(tmp_path / "e"), work_dir=tmp_path / "d")
    assert product_names_by_code(unit.files) is None
    rows = _rows(tmp_path / "e", tmp_path / "w")
    assert any(",S3 (renamed)," in r for r in rows)
    assert any(",Amazon Simple Storage Service," in r for r in rows)


def test_missing_or_empty_names_fall_back_to_the_code(tmp_path: Path) -> None:
    export = _export()
    for i, row in enumerate(export.rows):
        if row["line_item_product_code"] == "AmazonRDS":
            row["product"] = [("product_name", "")] if i % 2 else [("region", "us-east-1")]
    (unit,) = discover(export.write(tmp_path / "e"), work_dir=tmp_path / "d")
    names = product_names_by_code(unit.files)
    assert names is not None and names["AmazonRDS"] is None
    rows = _rows(tmp_path / "e", tmp_path / "w")
    assert any(",AmazonRDS," in r and "Databases" in r for r in rows)


def test_lookup_and_per_row_decoding_give_identical_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _export().write(tmp_path / "e")
    looked_up = _rows(root, tmp_path / "a")
    monkeypatch.setattr(transform_module, "product_names_by_code", lambda files: None)
    decoded = _rows(root, tmp_path / "b")
    assert looked_up == decoded
    assert any(",Amazon Elastic Compute Cloud," in r for r in looked_up)
