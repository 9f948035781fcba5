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
from pandas.io.formats.style import Styler

from dashboards import export, fmt
from dashboards.labels import DEFAULT_LANG, LABELS, t, value_label
from dashboards.queries import WARNING_FIGURES, Publication, Viewer
from dashboards.warehouse import Warehouse

PAGE_SIZE = 50
OVERDUE_STYLE = "background-color: #fde2e1; color: #9b1c1c"
# The "all" choice of a filter: a string, not None, so that its label (全部 / All) is sent
# again on a language switch (relabel_widgets; Streamlit sends no label for None).
ALL = ""
MISSING = "—"  # a cell with no value: an amount rule 7 hides (explained by a caption)
# Table column kinds whose cells are values (sorted as such), the rest are text.
NUMERIC_KINDS = ("money", "int", "percent", "measure")
TIME_KINDS = ("date", "datetime", "period")
CHART_HEIGHT = 340  # pixels


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def relabel_widgets() -> None:
    """On a language switch: set every widget value again. Streamlit keeps showing a keyed
    widget's old label (全部) when its value is unchanged but format_func now words it in
    the other language; a value set through session state makes it send the new label.
    Booleans (buttons) are left alone: their state cannot be set."""
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if key != "lang" and not isinstance(value, bool):
            st.session_state[key] = value


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


def cell_text(value: object, kind: str, lng: str, unit: str | None = None) -> str:
    """How a table shows one value: the same words and number formats as the page's text
    (`fmt`), so a figure reads the same in a table, a metric and a caption. `unit` is the
    row's unit for a `measure` column ('cny' or 'count')."""
    if value is None:
        return MISSING
    if kind == "money" or (kind == "measure" and unit == "cny"):
        return fmt.money(value)  # type: ignore[arg-type]
    if kind in ("int", "measure"):
        return fmt.number(value)  # type: ignore[arg-type]
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


def warning_detail(row: dict[str, object], lng: str) -> str | None:
    """A customer warning's detail in `lng`, worded from its typed figures with the tables'
    number formats; None where rule 7 hides it (or a type without wording)."""
    key = f"detail_{row['warning_type']}"
    if row.get("detail") is None or key not in LABELS:
        return None
    if all(row.get(figure) is None for figure in WARNING_FIGURES):
        return str(row["detail"])  # a row kept from a build before the figures were typed
    ratio = row.get("detail_ratio")
    return t(
        key,
        lng,
        amount=fmt.money(row.get("detail_amount")),  # type: ignore[arg-type]
        reference=fmt.money(row.get("detail_reference_amount")),  # type: ignore[arg-type]
        ratio=fmt.percent(ratio, 0) if ratio is not None else "",  # type: ignore[arg-type]
        days=fmt.number(row.get("detail_days")),  # type: ignore[arg-type]
        date=fmt.day(row.get("detail_date"), lng),  # type: ignore[arg-type]
        count=fmt.number(row.get("detail_count")),  # type: ignore[arg-type]
        items=row.get("detail_items") or "",
    )


def header(key: str, lng: str) -> str:
    """A column header: a label key, or `value:<kind>:<value>` for an enum value."""
    if key.startswith("value:"):
        _, kind, value = key.split(":", 2)
        return value_label(kind, value, lng)
    return t(key, lng)


def _base(kind: str) -> str:
    """`measure:<unit column>` is a measure; every other kind is itself."""
    return "measure" if kind.startswith("measure:") else kind


def _typed(col: pl.Series, kind: str, lng: str) -> pl.Series:
    """The value a cell sorts by: numbers as floats, dates and months as datetimes (a
    `YYYYMM` period as its first day), enum values and booleans as their label."""
    if kind == "int":
        return col.cast(pl.Int64)
    if kind in NUMERIC_KINDS:
        return col.cast(pl.Float64)
    if kind == "period" and col.dtype == pl.String:
        return col.str.strptime(pl.Date, "%Y%m", strict=False).cast(pl.Datetime("ms"))
    if kind in TIME_KINDS:
        return col.cast(pl.Datetime("ms"))
    return col.map_elements(lambda v: cell_text(v, kind, lng), return_dtype=pl.String)


def display_frame(frame: pl.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """`columns`: name -> (label key, kind). Typed values under labelled headers: money and
    counts stay numbers and dates stay dates, so clicking a header sorts by value; how a
    value reads is `styled`'s part. A `measure` kind names its unit column as
    `measure:<column>`."""
    lng = lang()
    data = {
        header(key, lng): _typed(frame.get_column(name), _base(kind), lng)
        for name, (key, kind) in columns.items()
    }
    return pl.DataFrame(data).to_pandas()


def _original(value: object, kind: str) -> object:
    """The Python value of a typed cell again (pandas hands NaN and Timestamps over)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if kind == "int" or (kind == "measure" and float(value).is_integer()):  # type: ignore[arg-type]
        return int(value)  # type: ignore[call-overload]
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime() if kind == "datetime" else value.date()
    return value


def styled(
    frame: pl.DataFrame, columns: dict[str, tuple[str, str]], highlight: str | None = None
) -> Styler:
    """The typed `display_frame` with each cell's text set by `cell_text`: Streamlit shows
    the text and sorts by the value. Rows where the boolean column `highlight` is true
    stand out."""
    lng = lang()
    shown = display_frame(frame, columns)
    styler = shown.style
    for key, kind in columns.values():
        head = header(key, lng)
        if kind.startswith("measure:"):
            units = frame.get_column(kind.split(":", 1)[1]).to_list()
            for unit in set(units):
                rows = [i for i, u in enumerate(units) if u == unit]
                styler = styler.format(
                    lambda v, unit=unit: cell_text(_original(v, "measure"), "measure", lng, unit),
                    subset=pd.IndexSlice[rows, [head]],
                )
        elif kind in NUMERIC_KINDS or kind in TIME_KINDS:
            styler = styler.format(
                lambda v, kind=kind: cell_text(_original(v, kind), kind, lng), subset=[head]
            )
    if highlight is not None:
        flags = [bool(v) for v in frame.get_column(highlight).to_list()]
        styler = styler.apply(
            lambda row: [OVERDUE_STYLE if flags[row.name] else ""] * len(row), axis=1
        )
    return styler


def column_config(columns: dict[str, tuple[str, str]]) -> dict[str, object]:
    """Column types for Streamlit (numbers right-aligned, dates as dates). No `format`
    here: `styled` sets each cell's text, which the column_config's printf formats cannot
    (a minus before ¥, "5.00%", a unit per row)."""
    lng = lang()
    config: dict[str, object] = {}
    for key, kind in columns.values():
        head = header(key, lng)
        if _base(kind) in NUMERIC_KINDS:
            config[head] = st.column_config.NumberColumn(head)
        elif kind in ("date", "period"):
            config[head] = st.column_config.DateColumn(head)
        elif kind == "datetime":
            config[head] = st.column_config.DatetimeColumn(head)
        elif kind == "long_text":  # sentences (reasons, details): wide enough to be read
            config[head] = st.column_config.TextColumn(head, width="large")
        else:
            config[head] = st.column_config.TextColumn(head)
    return config


def table(
    frame: pl.DataFrame,
    columns: dict[str, tuple[str, str]],
    highlight: str | None = None,
    key: str | None = None,
) -> None:
    """A read-only table of typed values, sorted by value when a header is clicked. A frame
    with a `full_access` column whose rows include basic ones (a reseller's customers on a
    distributor's page) says why their hidden cells show a dash."""
    if frame.is_empty():
        st.info(label("no_data"))
        return
    st.dataframe(
        styled(frame, columns, highlight),
        column_config=column_config(columns),
        hide_index=True,
        key=key,
        placeholder=MISSING,
    )
    if "full_access" in frame.columns and not frame.get_column("full_access").all():
        st.caption(label("basic_rows_note"))


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
    """A chart of the page. The x values are labels (months, days, names as the reader
    reads them): a category axis shows exactly those, where plotly would read "Jun 2026"
    as a date and draw a time axis with empty months around the bars."""
    # at most a year of labels: thirty months of vertical labels could not be read
    fig.update_xaxes(type="category", nticks=13)
    fig.update_layout(
        # the title sits below the tool bar plotly draws over the top right corner, which
        # covered the end of a long title ("Incentive amount by status")
        margin={"l": 10, "r": 10, "t": 72, "b": 10},
        title={"y": 1 - 48 / CHART_HEIGHT, "yref": "container", "yanchor": "middle"},
        height=CHART_HEIGHT,
        separators=".,",
        legend_title_text="",
    )
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def money_axis(fig: go.Figure, axis: str = "y") -> None:
    fig.update_layout({f"{axis}axis": {"tickprefix": "¥", "tickformat": ",.0f"}})
