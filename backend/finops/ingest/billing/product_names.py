"""The product (service) name of every CUR 2.0 line item without decoding its ``product`` map.

In CUR 2.0 the service name lives in the ``product`` MAP column (``product['product_name']``),
about ten entries per line item. Decoding that map row by row is the most expensive step of the
whole billing transform. The map's keys and values are dictionary-encoded in the parquet file, so
reading them as dictionary indices is cheap; from the indices this module finds the name of each
line item and checks, over **every** line item, that the name is a function of
``line_item_product_code`` (it is the service's name in AWS exports). The staging layer then looks
the name up by product code. When some product code carries two names, or a file cannot be read
this way, the caller reads the map per row instead — the result is the same, only slower.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import structlog

from finops.ingest.billing.sources import BillingFile

log = structlog.get_logger(__name__)

NAME_KEY = "product_name"


def product_names_by_code(files: Sequence[BillingFile]) -> dict[str | None, str | None] | None:
    """{product code: product name (None when absent or empty)} over all line items of
    ``files``, or None when the name is not a function of the code or a file is not a CUR 2.0
    parquet file with a ``product`` map."""
    names: dict[str | None, str | None] = {}
    for file in files:
        code_column = file.columns.columns.get("line_item_product_code")
        product_column = file.columns.columns.get("product")
        path = str(file.readable)
        if code_column is None or product_column is None or not path.endswith(".parquet"):
            return None
        try:
            table = pq.read_table(
                path,
                columns=[code_column, product_column],
                read_dictionary=[
                    code_column,
                    f"{product_column}.key_value.key",
                    f"{product_column}.key_value.value",
                ],
            )
        except (OSError, pa.ArrowException) as exc:
            log.info("billing.product_names.unreadable", file=path, error=str(exc))
            return None
        codes, products = table.column(code_column), table.column(product_column)
        if not pa.types.is_dictionary(codes.type) or not pa.types.is_map(products.type):
            return None
        # the two columns are read from the same row groups: their chunks line up
        if [len(c) for c in codes.chunks] != [len(p) for p in products.chunks]:
            return None
        for code_chunk, product_chunk in zip(codes.chunks, products.chunks, strict=True):
            for code, name in _pairs(code_chunk, product_chunk):
                if names.setdefault(code, name) != name:
                    log.info("billing.product_names.not_a_function", code=code, file=path)
                    return None
    if names.get(None) is not None:
        return None  # line items without a product code but with a name: read them per row
    return names


def _pairs(codes: pa.Array, products: pa.Array) -> set[tuple[str | None, str | None]]:
    """Distinct (product code, product name) pairs of one chunk, from dictionary indices."""
    entries = products.values  # struct<key, value>, one per map entry
    keys, values = entries.field("key"), entries.field("value")
    if not (pa.types.is_dictionary(keys.type) and pa.types.is_dictionary(values.type)):
        raise pa.ArrowInvalid("product map entries are not dictionary-encoded")
    offsets = products.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
    rows = len(products)
    name_index = np.full(rows, -1, dtype=np.int64)
    key_dictionary = keys.dictionary.to_pylist()
    if NAME_KEY in key_dictionary:
        key_codes = keys.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        key_codes = np.where(keys.is_valid().to_numpy(zero_copy_only=False), key_codes, -1)
        # entries of the slice this chunk covers (a sliced map array may start past 0)
        lo, hi = int(offsets[0]), int(offsets[-1])
        at = np.flatnonzero(key_codes[lo:hi] == key_dictionary.index(NAME_KEY)) + lo
        owner = np.searchsorted(offsets, at, side="right") - 1
        value_codes = values.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        value_codes = np.where(values.is_valid().to_numpy(zero_copy_only=False), value_codes, -1)
        # a map listing the key twice: the first entry wins, as map_extract_value does
        first = np.unique(owner, return_index=True)[1]
        name_index[owner[first]] = value_codes[at[first]]
    if products.null_count:
        name_index[~products.is_valid().to_numpy(zero_copy_only=False)] = -1
    code_index = codes.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    code_index = np.where(codes.is_valid().to_numpy(zero_copy_only=False), code_index, -1)
    combined = np.unique((code_index + 1) * (1 << 32) + (name_index + 1))
    code_dictionary = codes.dictionary.to_pylist()
    value_dictionary = values.dictionary.to_pylist()
    out: set[tuple[str | None, str | None]] = set()
    for value in combined.tolist():
        c, n = (value >> 32) - 1, (value & 0xFFFFFFFF) - 1
        code = code_dictionary[c] if c >= 0 else None
        name = value_dictionary[n] if n >= 0 else None
        out.add((code, name or None))  # '' means no name, as in staging
    return out
