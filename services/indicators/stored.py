"""What ClickHouse holds of a feed's partial sums: the keys a worker must zero when the counted state no
longer gives them (counting.resync)."""

from __future__ import annotations

from clickhouse_connect.driver import Client

from services.indicators.agent import StoredSums
from services.indicators.counting import SumKey


def stored_sums(client: Client) -> StoredSums:
    def keys(feed: str, partitions: set[int], periods: tuple[str, str] | None) -> set[SumKey]:
        sql = (
            "SELECT partition, indicator, desa_code, toString(period) FROM satudata.indicator_value FINAL "
            "WHERE feed = {feed:String} AND has({partitions:Array(UInt16)}, partition) "
            "AND (numerator != 0 OR denominator != 0)"
        )
        parameters: dict[str, object] = {"feed": feed, "partitions": sorted(partitions)}
        if periods is not None:
            sql += " AND period BETWEEN {first:Date} AND {last:Date}"
            parameters |= {"first": periods[0], "last": periods[1]}
        rows = client.query(sql, parameters=parameters).result_rows
        return {(int(partition), indicator, desa, period) for partition, indicator, desa, period in rows}

    return keys
