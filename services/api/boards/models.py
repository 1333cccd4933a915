"""Response bodies of the boards routes: the board definitions as the page reads them, and one panel's rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from satudata.boards import Audience, Board, Column, ColumnKind, Panel, PanelKind, Variable, VariableKind
from satudata.boards.model import RegionLevel
from satudata.indicators import INDICATORS
from services.api.boards import examples

Cell = str | int | float | bool | None


class ColumnOut(BaseModel):
    name: str
    title_id: str
    title_en: str
    kind: ColumnKind
    level: RegionLevel | None = Field(description="Tingkat kode wilayah (kind region) / Level of region codes")

    @classmethod
    def of(cls, column: Column) -> ColumnOut:
        return cls(
            name=column.name, title_id=column.title_id, title_en=column.title_en, kind=column.kind, level=column.level
        )


class PanelOut(BaseModel):
    id: str
    title_id: str
    title_en: str
    description_id: str
    description_en: str
    kind: PanelKind
    columns: list[ColumnOut]
    unit: str | None = Field(description="percent: nilai pecahan 0..1 / values are ratios; count; atau null")
    target: float | None
    indicator: str | None = Field(description="Kode indikator yang ditampilkan / The indicator code it shows")
    higher_is_better: bool | None = Field(
        description="Dari registri indikator; null bila panel bukan satu indikator / From the indicator registry"
    )
    audience: Audience
    parameters: list[str] = Field(description="Parameter yang dipakai SQL panel / Parameters the panel's SQL takes")
    visible: bool = Field(description="Pemanggil ini boleh melihat barisnya / This caller may see its rows")
    width: int = Field(description="Lebar dari 24 kolom / Width out of 24 columns")
    height: int

    @classmethod
    def of(cls, panel: Panel, *, visible: bool) -> PanelOut:
        return cls(
            id=panel.id,
            title_id=panel.title_id,
            title_en=panel.title_en,
            description_id=panel.description_id,
            description_en=panel.description_en,
            kind=panel.kind,
            columns=[ColumnOut.of(c) for c in panel.columns],
            unit=panel.unit,
            target=panel.target,
            indicator=panel.indicator,
            higher_is_better=INDICATORS[panel.indicator].higher_is_better if panel.indicator in INDICATORS else None,
            audience=panel.audience,
            parameters=list(panel.parameters),
            visible=visible,
            width=panel.width,
            height=panel.height,
        )


class VariableOut(BaseModel):
    name: str
    label_id: str
    label_en: str
    kind: VariableKind

    @classmethod
    def of(cls, variable: Variable) -> VariableOut:
        return cls(name=variable.name, label_id=variable.label_id, label_en=variable.label_en, kind=variable.kind)


class BoardOut(BaseModel):
    uid: str
    title_id: str
    title_en: str
    description_id: str
    description_en: str
    refresh: str = Field(description="Selang penyegaran seperti Grafana, mis. 5s / Refresh interval, e.g. 5s")
    refresh_seconds: int
    variables: list[VariableOut]
    panels: list[PanelOut]


class BoardList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.BOARD_LIST]})

    items: list[BoardOut]


class PanelData(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.PANEL_DATA]})

    board: str
    panel: str
    kind: PanelKind
    unit: str | None
    target: float | None
    parameters: dict[str, str] = Field(
        description="Nilai yang diikat ke SQL (tanggal YYYY-MM-DD) / The values bound to the SQL (dates YYYY-MM-DD)"
    )
    columns: list[ColumnOut]
    rows: list[list[Any]] = Field(description="Satu daftar nilai per baris, urutan kolom / One list per row")
    region_names: dict[str, str] = Field(
        description="Nama wilayah untuk kode di kolom region / Region names of the codes in region columns"
    )
    suppressed_rows: list[int] = Field(
        description=(
            "Indeks baris yang nilainya disembunyikan (penyebut di bawah ambang sel kecil) / Indexes of rows whose "
            "values were suppressed (denominator below the small-cell threshold)"
        )
    )
    small_cell_threshold: int | None = Field(description="null bila peran ini melihat semua / null when not applied")


def board_out(board: Board, refresh_seconds: int, visible: Callable[[Panel], bool]) -> BoardOut:
    return BoardOut(
        uid=board.uid,
        title_id=board.title_id,
        title_en=board.title_en,
        description_id=board.description_id,
        description_en=board.description_en,
        refresh=board.refresh,
        refresh_seconds=refresh_seconds,
        variables=[VariableOut.of(v) for v in board.variables],
        panels=[PanelOut.of(p, visible=visible(p)) for p in board.panels],
    )
