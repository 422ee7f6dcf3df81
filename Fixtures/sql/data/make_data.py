#!/usr/bin/env python3
"""Deterministic generator for the SQL test tables in Fixtures/sql/data/.

Run:  python Fixtures/sql/data/make_data.py   (needs pyarrow)
Writes <name>.parquet next to this script. Every value is spelled out or
derived from a fixed formula, so re-running gives identical data.
"""
import datetime as dt
import decimal as dec
import os

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
D = dec.Decimal
UTC = dt.timezone.utc


def ts(y, mo, d, h=0, mi=0, s=0, us=0):
    return dt.datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def nts(y, mo, d, h=0, mi=0, s=0, us=0):
    return dt.datetime(y, mo, d, h, mi, s, us)


def write(name, schema, rows):
    cols = {f.name: [r[i] for r in rows] for i, f in enumerate(schema)}
    table = pa.table({f.name: pa.array(cols[f.name], type=f.type) for f in schema}, schema=schema)
    pq.write_table(table, os.path.join(HERE, name + ".parquet"), compression="NONE",
                   use_dictionary=False, write_statistics=True)


PEOPLE_SCHEMA = pa.schema([
    ("id", pa.int32()),
    ("name", pa.string()),
    ("age", pa.int32()),
    ("city", pa.string()),
    ("score", pa.float64()),
    ("salary", pa.decimal128(10, 2)),
    ("born", pa.date32()),
    ("created", pa.timestamp("us", tz="UTC")),
    ("active", pa.bool_()),
])

PEOPLE = [
    (1, "Alice", 30, "Paris", 88.5, D("5000.00"), dt.date(1994, 3, 15), ts(2024, 1, 5, 9, 30), True),
    (2, "Bob", 25, "Berlin", 72.25, D("4200.50"), dt.date(1999, 7, 1), ts(2024, 1, 20, 14, 0, 5), False),
    (3, "Carol", None, "Paris", None, D("6100.75"), dt.date(1988, 12, 31), ts(2024, 2, 29, 23, 59, 59, 500000), True),
    (4, "Dave", 41, None, 91.0, D("7300.00"), dt.date(1983, 1, 1), ts(2023, 12, 31, 23, 59, 59), True),
    (5, "Eve", 35, "London", 65.5, D("3900.99"), dt.date(1989, 6, 30), ts(2024, 3, 1), False),
    (6, "Frank", 25, "Berlin", 72.25, D("4200.50"), dt.date(1999, 2, 28), ts(2024, 3, 15, 12, 0, 0, 123456), True),
    (7, "Grace", 52, "Tokyo", 99.75, D("12000.00"), dt.date(1972, 8, 9), ts(2022, 6, 1, 8, 15), True),
    (8, "Heidi", None, None, None, None, None, None, None),
    (9, "Ivan", 19, "Berlin", 55.0, D("1500.25"), dt.date(2005, 11, 11), ts(2024, 5, 5, 5, 5, 5), False),
    (10, "Judy", 30, "london", 80.0, D("-250.10"), dt.date(1994, 3, 15), ts(2024, 1, 5, 9, 30), True),
    (11, "", 0, "", 0.0, D("0.00"), dt.date(2000, 1, 1), ts(2000, 1, 1), False),
    (12, "O'Brien", 67, "Dublin", -12.5, D("99999999.99"), dt.date(1957, 5, 20), ts(2019, 10, 10, 10, 10, 10), True),
]

write("people", PEOPLE_SCHEMA, PEOPLE)
# same schema, no rows
write("empty_t", PEOPLE_SCHEMA, [])
# same schema, one row
write("one_row", PEOPLE_SCHEMA, [PEOPLE[0]])

# customers / orders: duplicate keys, unmatched keys, NULL keys on both sides
write("customers", pa.schema([
    ("cust_id", pa.int64()),
    ("cust_name", pa.string()),
    ("country", pa.string()),
    ("tier", pa.int16()),
]), [
    (1, "Acme", "FR", 1),
    (2, "Globex", "DE", 2),
    (3, "Initech", "US", 2),
    (3, "Initech Dup", "US", 3),      # duplicate key 3
    (4, "Umbrella", None, None),      # no orders
    (None, "Ghost", "UK", 1),         # NULL key
    (6, "Hooli", "US", 1),
])

write("orders", pa.schema([
    ("order_id", pa.int64()),
    ("cust_id", pa.int64()),
    ("amount", pa.decimal128(10, 2)),
    ("qty", pa.int32()),
    ("status", pa.string()),
    ("order_date", pa.date32()),
]), [
    (100, 1, D("10.50"), 1, "shipped", dt.date(2024, 1, 3)),
    (101, 1, D("20.00"), 2, "shipped", dt.date(2024, 1, 17)),
    (102, 2, D("5.25"), 5, "pending", dt.date(2024, 2, 1)),
    (103, 3, D("100.00"), 1, "shipped", dt.date(2024, 2, 14)),
    (104, 3, D("0.01"), 10, "cancelled", dt.date(2024, 3, 1)),
    (105, 9, D("42.00"), 3, "shipped", dt.date(2024, 3, 9)),    # unmatched key
    (106, None, D("7.77"), 1, "pending", dt.date(2024, 3, 10)),  # NULL key
    (107, 6, None, None, None, None),
    (108, 2, D("-3.00"), 1, "refund", dt.date(2024, 4, 1)),
    (109, None, D("1.00"), 2, "shipped", dt.date(2024, 4, 2)),
])

# events: timestamps / dates over months and years
EVENTS = [
    (1, "login", ts(2023, 1, 1, 0, 0, 0), nts(2023, 1, 1, 0, 0, 0), dt.date(2023, 1, 1)),
    (2, "login", ts(2023, 1, 31, 23, 59, 59), nts(2023, 1, 31, 23, 59, 59), dt.date(2023, 1, 31)),
    (3, "click", ts(2023, 2, 28, 12, 0, 0), nts(2023, 2, 28, 12, 0, 0), dt.date(2023, 2, 28)),
    (4, "click", ts(2023, 12, 31, 23, 59, 59, 999999), nts(2023, 12, 31, 23, 59, 59, 999999), dt.date(2023, 12, 31)),
    (5, "purchase", ts(2024, 1, 1, 0, 0, 0, 1), nts(2024, 1, 1, 0, 0, 0, 1), dt.date(2024, 1, 1)),
    (6, "purchase", ts(2024, 2, 29, 6, 30, 0), nts(2024, 2, 29, 6, 30, 0), dt.date(2024, 2, 29)),
    (7, "logout", ts(2024, 3, 31, 18, 45, 30, 250000), nts(2024, 3, 31, 18, 45, 30, 250000), dt.date(2024, 3, 31)),
    (8, "login", ts(2024, 7, 4, 12, 0, 0), nts(2024, 7, 4, 12, 0, 0), dt.date(2024, 7, 4)),
    (9, "click", ts(2024, 10, 15, 9, 9, 9), nts(2024, 10, 15, 9, 9, 9), dt.date(2024, 10, 15)),
    (10, "purchase", ts(2024, 12, 31, 23, 0, 0), nts(2024, 12, 31, 23, 0, 0), dt.date(2024, 12, 31)),
    (11, "login", ts(1999, 12, 31, 23, 59, 59), nts(1999, 12, 31, 23, 59, 59), dt.date(1999, 12, 31)),
    (12, "login", ts(1970, 1, 1), nts(1970, 1, 1), dt.date(1970, 1, 1)),
    (13, "click", ts(1969, 7, 20, 20, 17, 40), nts(1969, 7, 20, 20, 17, 40), dt.date(1969, 7, 20)),
    (14, "logout", None, None, None),
    (15, "purchase", ts(2025, 1, 31, 10, 0, 0), nts(2025, 1, 31, 10, 0, 0), dt.date(2025, 1, 31)),
]
write("events", pa.schema([
    ("id", pa.int32()),
    ("kind", pa.string()),
    ("ts", pa.timestamp("us", tz="UTC")),
    ("local_ts", pa.timestamp("us")),
    ("day", pa.date32()),
]), EVENTS)

# numbers: integer edges and float specials
I32MAX, I32MIN = 2**31 - 1, -2**31
I64MAX, I64MIN = 2**63 - 1, -2**63
write("numbers", pa.schema([
    ("id", pa.int32()),
    ("i8", pa.int8()),
    ("i16", pa.int16()),
    ("i32", pa.int32()),
    ("i64", pa.int64()),
    ("f32", pa.float32()),
    ("f64", pa.float64()),
    ("d10", pa.decimal128(10, 2)),
    ("d38", pa.decimal128(38, 6)),
]), [
    (1, 0, 0, 0, 0, 0.0, 0.0, D("0.00"), D("0.000000")),
    (2, 1, 1, 1, 1, 1.5, 1.5, D("1.10"), D("1.000001")),
    (3, -1, -1, -1, -1, -1.5, -1.5, D("-1.10"), D("-1.000001")),
    (4, 127, 32767, I32MAX, I64MAX, 3.4028234663852886e38, 1.7976931348623157e308, D("99999999.99"), D("99999999999999999999999999999999.999999")),
    (5, -128, -32768, I32MIN, I64MIN, -3.4028234663852886e38, -1.7976931348623157e308, D("-99999999.99"), D("-99999999999999999999999999999999.999999")),
    (6, 100, 30000, 2000000000, 9000000000000000000, float("nan"), float("nan"), D("12345.67"), D("0.000001")),
    (7, None, None, None, None, None, None, None, None),
    (8, 7, -7, 7, -7, float("inf"), float("inf"), D("0.01"), D("123.456789")),
    (9, -7, 7, -7, 7, float("-inf"), float("-inf"), D("-0.01"), D("-123.456789")),
    (10, 2, 2, 2, 2, -0.0, -0.0, D("2.50"), D("2.500000")),
    (11, 3, 3, 3, 3, 0.1, 0.1, D("0.10"), D("0.100000")),
    (12, 3, 3, 3, 3, 0.2, 0.2, D("0.20"), D("0.200000")),
])

# all_null: every column null (3 rows)
ALL_NULL_SCHEMA = pa.schema([
    ("i", pa.int64()),
    ("f", pa.float64()),
    ("d", pa.decimal128(10, 2)),
    ("s", pa.string()),
    ("b", pa.bool_()),
    ("dt", pa.date32()),
    ("t", pa.timestamp("us", tz="UTC")),
])
write("all_null", ALL_NULL_SCHEMA, [(None,) * 7] * 3)

# unicode_t: several scripts, emoji, combining characters, escapes
write("unicode_t", pa.schema([
    ("id", pa.int32()),
    ("lang", pa.string()),
    ("s", pa.string()),
]), [
    (1, "ascii", "Hello"),
    (2, "german", "Straße"),
    (3, "greek", "Ωμέγα"),
    (4, "russian", "Привет"),
    (5, "japanese", "日本語テキスト"),
    (6, "arabic", "مرحبا"),
    (7, "emoji", "I ❤ 🦆!"),
    (8, "combining", "e\u0301te\u0301"),   # 'été' written with combining acute accents
    (9, "precomposed", "\u00e9t\u00e9"),   # 'été' precomposed
    (10, "turkish", "İstanbul"),
    (11, "empty", ""),
    (12, "null", None),
    (13, "escapes", "tab\there\nnew\\line"),
    (14, "long", "abcdefghij" * 30),
    (15, "spaces", "  padded  "),
])
