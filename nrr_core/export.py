"""Tables as CSV that are safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula, so an
account named ``=HYPERLINK(...)`` could run when a CSV export is opened
(OWASP "CSV injection"). Text cells like that get a leading apostrophe, which
spreadsheets show as plain text. Numbers stay numbers (``-300`` is a value,
not a formula), so figures still add up after export.
"""
from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# In a comment line: a cell boundary (comma, semicolon), spaces, then a formula start.
_COMMENT_FORMULA = re.compile(r"([,;]\s*)([=+\-@])")


def neutralise(value):
    """One cell: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised(text: pd.Series) -> pd.Series:
    """``neutralise`` of every cell of a text column (pandas' string dtype) at
    once; missing cells stay missing. Column by column, not cell by cell: the
    review board's CSV at 100,000 accounts has a quarter of a million text cells."""
    return text.where(~text.str.startswith(FORMULA_STARTS, na=False), "'" + text)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised; numeric columns untouched."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.StringDtype):
            out[col] = neutralised(out[col])
        elif not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents and emoji), safe to open."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def commented_csv(frame: pd.DataFrame, comments: list[str]) -> str:
    """CSV text preceded by ``# `` comment lines (definitions for the reader;
    ``pandas.read_csv(path, comment="#")`` skips them). Cells are neutralised
    like ``to_csv_bytes``. A spreadsheet splits a comment line into cells at
    its commas, so every piece that would start a formula gets the leading
    ``'`` too; double quotes become single ones and line breaks spaces."""
    buffer = io.StringIO()
    for line in comments:
        text = " ".join(str(line).replace('"', "'").split())
        buffer.write("# " + _COMMENT_FORMULA.sub(lambda m: m.group(1) + "'" + m.group(2), text) + "\n")
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
