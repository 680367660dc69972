"""Azure Cost Management cost details exports (EA and MCA; actual or amortized cost) -> FOCUS.

Column names are matched case-insensitively (EA spells ``CostInBillingCurrency``, MCA
``costInBillingCurrency``). The mapping (``azure.sql``) follows Microsoft's published FOCUS
conversion (the FinOps toolkit's and Cost Management's FOCUS export):

- BilledCost comes from the actual-cost dataset, EffectiveCost from the amortized one. A file's
  dataset is ``amortized`` when its path says so or its rows show amortization (unused
  reservation / savings plan rows, or commitment-covered usage with a cost), else ``actual``.
- Loaded alone, an actual-cost file gives BilledCost = EffectiveCost per row (commitment
  purchases are not spread); an amortized file gives EffectiveCost, with BilledCost 0 on
  commitment-covered and unused-commitment rows.
- Loaded together (both files in one folder), commitment purchases and refunds are taken from
  the actual file (BilledCost, EffectiveCost 0) and every other row from the amortized file, as
  Microsoft's FOCUS export does: the folder's BilledCost equals the invoice, its EffectiveCost
  the amortized cost, and no row is counted twice.
"""

from __future__ import annotations

from pathlib import Path

from finops.ingest.billing.formats import FileColumns
from finops.ingest.billing.money import MONEY
from finops.ingest.billing.providers.native import (
    FOCUS_LINES_SQL,
    NativeFormat,
    RawColumn,
    raw_column,
)

_SQL_DIR = Path(__file__).parent

# canonical (lower-case) name -> staging kind; alternates are other spellings of the same column
_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("date", "DATE_MDY", ("usagedate",)),
    ("billingperiodstartdate", "DATE_MDY", ()),
    ("billingperiodenddate", "DATE_MDY", ()),
    ("costinbillingcurrency", MONEY, ()),
    ("paygcostinbillingcurrency", MONEY, ()),
    ("paygprice", MONEY, ()),
    ("unitprice", MONEY, ()),
    ("effectiveprice", MONEY, ()),
    ("quantity", MONEY, ()),
    ("exchangeratepricingtobilling", MONEY, ()),
    ("billingcurrency", "VARCHAR", ("billingcurrencycode",)),
    ("pricingcurrency", "VARCHAR", ("pricingcurrencycode",)),
    ("billingaccountid", "VARCHAR", ()),
    ("billingaccountname", "VARCHAR", ()),
    ("billingprofileid", "VARCHAR", ()),
    ("billingprofilename", "VARCHAR", ()),
    ("accountownerid", "VARCHAR", ()),
    ("subscriptionid", "VARCHAR", ("subscriptionguid",)),
    ("subscriptionname", "VARCHAR", ()),
    ("resourcegroup", "VARCHAR", ("resourcegroupname",)),
    ("resourcelocation", "VARCHAR", ()),
    ("resourceid", "VARCHAR", ("instanceid",)),
    ("resourcename", "VARCHAR", ()),
    ("metercategory", "VARCHAR", ()),
    ("metersubcategory", "VARCHAR", ()),
    ("meterid", "VARCHAR", ()),
    ("metername", "VARCHAR", ()),
    ("unitofmeasure", "VARCHAR", ()),
    ("productname", "VARCHAR", ("product",)),
    ("productid", "VARCHAR", ()),
    ("partnumber", "VARCHAR", ()),
    ("chargetype", "VARCHAR", ()),
    ("frequency", "VARCHAR", ()),
    ("pricingmodel", "VARCHAR", ()),
    ("benefitid", "VARCHAR", ()),
    ("benefitname", "VARCHAR", ()),
    ("reservationid", "VARCHAR", ()),
    ("reservationname", "VARCHAR", ()),
    ("publishername", "VARCHAR", ()),
    ("publishertype", "VARCHAR", ()),
    ("resellername", "VARCHAR", ()),
    ("invoiceid", "VARCHAR", ()),
    ("availabilityzone", "VARCHAR", ()),
    ("tags", "JSON_OBJECT", ()),
]


def raw(file: FileColumns) -> list[RawColumn]:
    return [raw_column(file, name, kind, *alternates) for name, kind, alternates in _COLUMNS]


AZURE = NativeFormat(
    name="azure",
    required=("Date", "CostInBillingCurrency", "ChargeType"),
    raw=raw,
    mapping_sql=(_SQL_DIR / "azure.sql").read_text(),
    lines_sql=FOCUS_LINES_SQL.replace(
        "FROM stg_focus", f"FROM ({(_SQL_DIR / 'azure_datasets.sql').read_text()})"
    ),
)
