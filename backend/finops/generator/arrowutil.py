"""Small Arrow helpers: exact money conversion, fast string columns, deterministic parquet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from finops.generator.streams.model import COST_SCALE

TS = pa.timestamp("ms", tz="UTC")
_B32 = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", dtype=np.uint8)


def money(units: npt.NDArray[np.int64]) -> pa.Array:
    """1e-8 dollar integers as doubles; each is the double nearest an exact 8-place decimal."""
    return pa.array(units.astype(np.float64) / COST_SCALE, pa.float64())


def money_decimal(units: npt.NDArray[np.int64], scale: int = 10) -> pa.Array:
    """1e-8 dollar integers as decimal128(38, scale), built from the raw two's-complement words."""
    shift = 10 ** (scale - 8)
    lo = units.astype(np.int64) * shift
    words = np.empty((lo.shape[0], 2), dtype=np.int64)
    words[:, 0] = lo
    words[:, 1] = np.where(lo < 0, -1, 0)
    return pa.Array.from_buffers(
        pa.decimal128(38, scale), lo.shape[0], [None, pa.py_buffer(words.tobytes())]
    )


def timestamps(seconds: npt.NDArray[np.int64]) -> pa.Array:
    return pa.array(seconds * 1000, TS)


def fixed_strings(matrix: npt.NDArray[np.uint8]) -> pa.Array:
    """Rows of an (n, width) byte matrix as a string column."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(np.ascontiguousarray(matrix).tobytes())
    )


def base32_ids(hi: npt.NDArray[np.uint64], lo: npt.NDArray[np.uint64]) -> pa.Array:
    """26-character lower-case base32 rendering of 128-bit values (like CUR line item ids)."""
    n = hi.shape[0]
    out = np.empty((n, 26), dtype=np.uint8)
    for word, offset in ((hi, 0), (lo, 12)):
        for i in range(12):
            out[:, offset + i] = _B32[((word >> np.uint64(5 * i)) & np.uint64(31)).astype(np.int64)]
        out[:, 24 + offset // 12] = _B32[(word >> np.uint64(60)).astype(np.int64)]
    return fixed_strings(out)


def from_codes(codes: npt.NDArray[np.int64], values: Sequence[str | None]) -> pa.Array:
    """A string column from integer codes into a small list of values."""
    dictionary = pa.array(list(values), pa.string())
    return pc.take(dictionary, pa.array(codes.astype(np.int64)))


def constant(value: str | None, n: int) -> pa.Array:
    if value is None:
        return pa.nulls(n, pa.string())
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, np.int32)), pa.array([value], pa.string())
    ).cast(pa.string())


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A parquet writer whose bytes depend only on the data (no clock, no Arrow schema blob)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(
        str(path),
        schema,
        compression="snappy",
        use_dictionary=True,
        write_statistics=True,
        version="2.6",
        data_page_version="1.0",
        store_schema=False,
        write_page_index=False,
        write_page_checksum=False,
    )
