"""What the pages share: the language, the viewer, the warehouse of this run, tables,
charts and export buttons. Pages stay thin: queries in `queries`, labels in `labels`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards import export, fmt
from dashboards.labels import DEFAULT_LANG, t, value_label
from dashboards.queries import Publication, Viewer
from dashboards.warehouse import Warehouse

PAGE_SIZE = 50
OVERDUE_STYLE = "background-color: #fde2e1; color: #9b1c1c"


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def viewer() -> Viewer:
    return st.session_state["viewer"]


def warehouse() -> Warehouse:
    """The published file resolved for this page run (set by app.py)."""
    return st.session_state["_warehouse"]


def publication() -> Publication:
    """The as-of date and run of the file this page run reads (set by app.py)."""
    return st.session_state["_publication"]


def as_of() -> date:
    """The pages' "today": the publication's as-of date, never the reader's clock."""
    return publication().as_of_date


def person_labels(names: dict[str, str | None]) -> dict[str, str]:
    """id -> the name to show; a name two ids share gets the id too, so namesakes (two
    managers called 李娜) can be told apart wherever they are listed."""
    counts = Counter(names.values())
    return {
        key: (name or key) if counts[name] == 1 or name is None else f"{name} ({key})"
        for key, name in names.items()
    }


def label(key: str, **kwargs: object) -> str:
    return t(key, lang(), **kwargs)


def _cell(value: object, kind: str, lng: str) -> object:
    if value is None:
        return ""
    if kind == "money":
        return fmt.money(value)  # type: ignore[arg-type]
    if kind == "int":
        return fmt.number(value)  # type: ignore[arg-type]
    if kind == "value":
        return fmt.number(value, 2)  # type: ignore[arg-type]
    if kind == "percent":
        return fmt.percent(value)  # type: ignore[arg-type]
    if kind == "date":
        return fmt.day(value, lng)  # type: ignore[arg-type]
    if kind == "datetime":
        return fmt.timestamp(value, lng) if isinstance(value, datetime) else fmt.day(value, lng)  # type: ignore[arg-type]
    if kind == "period":
        return fmt.period(value, lng)  # type: ignore[arg-type]
    if kind == "bool":
        return t("yes" if value else "no", lng)
    if kind.startswith("enum:"):
        return value_label(kind[5:], value, lng)
    return str(value)


def header(key: str, lng: str) -> str:
    """A column header: a label key, or `value:<kind>:<value>` for an enum value."""
    if key.startswith("value:"):
        _, kind, value = key.split(":", 2)
        return value_label(kind, value, lng)
    return t(key, lng)


def display_frame(frame: pl.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """`columns`: name -> (label key, kind); values formatted for reading, headers labelled."""
    lng = lang()
    data = {
        header(key, lng): [_cell(v, kind, lng) for v in frame.get_column(name).to_list()]
        for name, (key, kind) in columns.items()
    }
    return pd.DataFrame(data)


def table(
    frame: pl.DataFrame,
    columns: dict[str, tuple[str, str]],
    highlight: str | None = None,
    key: str | None = None,
) -> None:
    """A read-only table; rows where the boolean column `highlight` is true stand out."""
    if frame.is_empty():
        st.info(label("no_data"))
        return
    shown = display_frame(frame, columns)
    if highlight is not None:
        flags = [bool(v) for v in frame.get_column(highlight).to_list()]
        shown = shown.style.apply(  # type: ignore[assignment]
            lambda row: [OVERDUE_STYLE if flags[row.name] else ""] * len(row), axis=1
        )
    st.dataframe(shown, hide_index=True, key=key)


def export_frame(
    frame: pl.DataFrame, columns: dict[str, tuple[str, str]], lng: str
) -> pl.DataFrame:
    """Raw values (numbers stay numbers) under labelled headers; enum values labelled.
    Takes the language as an argument: it runs in a download callback, outside the page."""
    out = []
    for name, (key, kind) in columns.items():
        col = frame.get_column(name)
        if kind.startswith("enum:"):
            col = col.map_elements(
                lambda v, k=kind[5:]: value_label(k, v, lng), return_dtype=pl.String
            )
        out.append(col.alias(header(key, lng)))
    return pl.DataFrame(out)


def pager(rows: int, key: str, page_size: int = PAGE_SIZE) -> int:
    """The offset of the page the reader chose (a page number input when the selection is
    longer than a page), with which rows of how many it shows."""
    pages = max(1, math.ceil(rows / page_size))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(label("page"), min_value=1, max_value=pages, value=1, step=1, key=key)
        )
    page = min(max(page, 1), pages)
    offset = (page - 1) * page_size
    if rows:
        st.caption(
            label("page_of", page=fmt.number(page), pages=fmt.number(pages))
            + " · "
            + label(
                "page_rows",
                first=fmt.number(offset + 1),
                last=fmt.number(min(rows, offset + page_size)),
                rows=fmt.number(rows),
            )
        )
    return offset


def download_buttons(make_frame: Callable[[], pl.DataFrame], basename: str, key: str) -> None:
    """CSV and Excel buttons for a short table; the frame is made only when a button is
    clicked."""
    streamed_download_buttons(lambda: iter([make_frame()]), basename, key)


def streamed_download_buttons(
    make_batches: Callable[[], Iterator[pl.DataFrame]], basename: str, key: str
) -> None:
    """CSV and Excel buttons; on a click the rows come in batches and are written to a file
    chunk by chunk (in the download's own thread: the page does not wait)."""

    def csv_file() -> bytes:
        def write(path: Path) -> None:
            with path.open("wb") as out:
                export.write_csv(make_batches(), out)

        return export.streamed_file(write, ".csv")

    def excel_file() -> bytes:
        return export.streamed_file(
            lambda path: export.write_excel(make_batches(), str(path), basename), ".xlsx"
        )

    left, right = st.columns(2)
    left.download_button(
        label("export_csv"),
        data=csv_file,
        file_name=f"{basename}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        label("export_excel"),
        data=excel_file,
        file_name=f"{basename}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def labelled_batches(
    batches: Iterable[pl.DataFrame], columns: dict[str, tuple[str, str]], lng: str
) -> Iterator[pl.DataFrame]:
    """Each batch as `export_frame` labels it."""
    for batch in batches:
        yield export_frame(batch, columns, lng)


def chart(fig: go.Figure, key: str) -> None:
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=340,
        separators=".,",
        legend_title_text="",
    )
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def money_axis(fig: go.Figure, axis: str = "y") -> None:
    fig.update_layout({f"{axis}axis": {"tickprefix": "¥", "tickformat": ",.0f"}})
