"""CSV exports are safe against spreadsheet formula injection and keep numbers."""
import csv
import io

import pandas as pd
import pytest

from nrr_core.export import neutralise, to_csv_bytes


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x",
                                  '=HYPERLINK("http://example.com","x")'])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Acme", "O'Brien & Sons", "شركة 🌴", "", "a=b", "1-2"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def test_an_exported_table_keeps_numbers_as_numbers_and_neutralises_text():
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Acme", "-dash Ltd"],
                          "amount": [-300.5, 100.0, 0.0], "=col": ["x", "y", "z"]})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))
    assert rows[0] == ["name", "amount", "'=col"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-300.5", "x"]
    assert rows[2] == ["Acme", "100.0", "y"]
    assert rows[3] == ["'-dash Ltd", "0.0", "z"]
    assert to_csv_bytes(frame).startswith("\ufeff".encode("utf-8"))
