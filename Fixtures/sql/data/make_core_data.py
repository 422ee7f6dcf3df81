"""Writes the core_* tables the query engine's own SQL tests use (run with the bench venv's python)."""
import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

people = pa.table({
    "id": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
    "name": pa.array(["Ann", "Bob", "Cé", None, "dan", "Eve"], pa.string()),
    "age": pa.array([34, 27, None, 41, 27, 19], pa.int32()),
    "city": pa.array(["Oslo", "Rome", "Oslo", "Lima", None, "Rome"], pa.string()),
    "score": pa.array([1.5, 2.25, None, -3.0, 0.0, 10.0], pa.float64()),
    "balance": pa.array([Decimal("10.50"), Decimal("-2.25"), Decimal("0.00"), None, Decimal("100.10"), Decimal("7.05")], pa.decimal128(10, 2)),
    "born": pa.array([dt.date(1990, 1, 5), dt.date(1997, 6, 30), None, dt.date(1983, 12, 31), dt.date(1997, 2, 28), dt.date(2005, 7, 4)], pa.date32()),
})
pq.write_table(people, "core_people.parquet")

orders = pa.table({
    "order_id": pa.array([10, 11, 12, 13, 14, 15, 16], pa.int64()),
    "person_id": pa.array([1, 1, 2, 3, 7, None, 2], pa.int64()),
    "amount": pa.array([Decimal("9.99"), Decimal("20.00"), Decimal("5.50"), Decimal("1.25"), Decimal("3.00"), Decimal("4.00"), None], pa.decimal128(9, 2)),
    "ts": pa.array([dt.datetime(2024, 1, 1, 10, 0), dt.datetime(2024, 1, 15, 12, 30, 5), dt.datetime(2024, 2, 29, 23, 59, 59),
                    dt.datetime(2024, 3, 1), None, dt.datetime(2023, 12, 31, 0, 0, 0, 500000), dt.datetime(2024, 2, 1)], pa.timestamp("us")),
})
pq.write_table(orders, "core_orders.parquet")

empty = pa.table({"x": pa.array([], pa.int64()), "s": pa.array([], pa.string())})
pq.write_table(empty, "core_empty.parquet")

pq.write_table(pa.table({"v": pa.array([None, None, None], pa.int64())}), "core_nulls.parquet")
pq.write_table(pa.table({"big": pa.array([9223372036854775807, 1], pa.int64()), "i": pa.array([2147483647, 1], pa.int32())}), "core_big.parquet")
