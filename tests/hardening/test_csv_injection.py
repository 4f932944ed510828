"""Nothing a CSV of Terrain's holds runs as a formula in a spreadsheet (issue 12): every writer goes
through engine.store.exports, which prefixes text cells starting with = + - @ tab CR by a quote
(OWASP), leaves numbers numbers, and writes XLSX strings as strings."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from engine.cli import main
from engine.store.exports import FORMULA_STARTS, csv_bytes, csv_text, neutralised, write_csv_file, xlsx_bytes
from tests.hardening.conftest import FORMULAS

ROOT = Path(__file__).resolve().parents[2]


def cells(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if row]


def assert_formula_safe(text: str) -> None:
    """No cell starts like a formula unless it is a plain number; some hostile name is there, quoted."""
    rows = cells(text)
    for row in rows:
        for cell in row:
            if cell and cell[0] in FORMULA_STARTS:
                float(cell)  # a negative number is fine; any other formula start fails here
    quoted = {cell for row in rows for cell in row if cell.startswith("'")}
    assert quoted & {"'" + name for name in FORMULAS}, text


def run_cli(capsys, *argv) -> str:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def report(capsys, db, tmp_path):
    return run_cli(capsys, "report", "attainment", "--db", db, "--period", "2024", "--by", "territory")


def report_by_rep(capsys, db, tmp_path):
    return run_cli(capsys, "report", "attainment", "--db", db, "--period", "2024", "--by", "rep")


def whatif(capsys, db, tmp_path):
    moves = tmp_path / "moves.csv"
    moves.write_text("account_id,to_territory\nA07,FR\n", encoding="utf-8")
    return run_cli(capsys, "whatif", "--db", db, "--moves", str(moves), "--as-of", "2025-01-01",
                   "--save", FORMULAS[0], "--author", FORMULAS[1])


def scenario_list(capsys, db, tmp_path):
    whatif(capsys, db, tmp_path)
    return run_cli(capsys, "scenario", "list", "--db", db)


def scenario_compare(capsys, db, tmp_path):
    whatif(capsys, db, tmp_path)
    return run_cli(capsys, "scenario", "compare", "S0001", "--db", db)


def crm_zoho(capsys, db, tmp_path):
    moves = tmp_path / "moves.csv"
    moves.write_text("account_id,to_territory,to_rep\nA07,UK,R2\nA08,FR,R1\n", encoding="utf-8")
    run_cli(capsys, "whatif", "--db", db, "--moves", str(moves), "--save", "plain")
    out = tmp_path / "zoho.csv"
    main(["scenario", "export", "S0001", "--crm", "zoho", "--out", str(out), "--db", db])
    return out.read_text(encoding="utf-8")


def balance(capsys, db, tmp_path):
    out = tmp_path / "moves-out.csv"
    text = run_cli(capsys, "balance", "--db", db, "--metric", "accounts", "--tolerance", "0.5", "--unit", "city",
                   "--time-limit", "2", "--no-save", "--out", str(out))
    return text.replace("\n\n", "\n")  # two tables one after the other


@pytest.mark.parametrize("writer", [report, report_by_rep, whatif, scenario_list, scenario_compare, crm_zoho,
                                    balance])
def test_every_cli_csv_is_formula_safe(writer, capsys, formula_db, tmp_path):
    assert_formula_safe(writer(capsys, formula_db, tmp_path))


def test_the_download_buttons_write_safe_csv_and_typed_xlsx(monkeypatch):
    """ui.downloads.table_downloads, the "Download CSV / Excel" under every table, with a fake st."""
    from ui import downloads

    buttons: dict[str, object] = {}

    class Column:
        def download_button(self, label, data, file_name, *args, **kwargs):
            buttons[file_name] = data() if callable(data) else data

    monkeypatch.setattr(downloads.st, "columns", lambda spec: [Column() for _ in spec])
    monkeypatch.setattr(downloads, "tr", lambda key: key)
    frame = pl.DataFrame({"name": FORMULAS, "won": [-1500.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    downloads.table_downloads(frame, "hostile")
    text = buttons["hostile.csv"].decode("utf-8-sig")
    assert_formula_safe(text)
    assert cells(text)[1] == ["'" + FORMULAS[0], "-1500.0"]
    sheet = openpyxl.load_workbook(io.BytesIO(buttons["hostile.xlsx"])).active
    # xlsxwriter stores a CR as Excel's escape _x000D_, which Excel reads back as the CR (openpyxl does not)
    assert [(c.value.replace("_x000D_", "\r"), c.data_type) for c in sheet["A"][1:]] == [(n, "s") for n in FORMULAS]
    assert [c.value for c in sheet["B"][1:]] == [-1500.0, 2.0, 3.0, 4.0, 5.0, 6.0]


@pytest.mark.parametrize(("value", "written"), [
    ('=HYPERLINK("http://x")', "'=HYPERLINK(\"http://x\")"), ("+1 555 0100", "'+1 555 0100"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("＝1+1", "'＝1+1"), ("a=b", "a=b"),
    ("Müller", "Müller"), ("'quoted", "'quoted"), ("", ""), (None, None)])
def test_text_cells_starting_like_a_formula_get_a_quote(value, written):
    frame = pl.DataFrame({"text": [value]}, schema={"text": pl.String})
    assert neutralised(frame)["text"].to_list() == [written]


def test_numbers_dates_and_categoricals():
    from datetime import date

    frame = pl.DataFrame({"amount": [-2.5, 3.0], "count": [-1, 2], "day": [date(2024, 1, 2)] * 2,
                          "kind": pl.Series(["-x", "y"], dtype=pl.Categorical), "flag": [True, False]})
    assert csv_text(frame) == "amount,count,day,kind,flag\n-2.5,-1,2024-01-02,'-x,true\n3.0,2,2024-01-02,y,false\n"
    assert csv_bytes(frame, bom=True).startswith(b"\xef\xbb\xbfamount,")
    assert csv_bytes(frame) == csv_text(frame).encode("utf-8")


def test_a_file_written_is_safe(tmp_path):
    path = tmp_path / "out.csv"
    write_csv_file(pl.DataFrame({"to_territory": ["=1+1"], "n": [-1]}), path)
    assert path.read_text(encoding="utf-8") == "to_territory,n\n'=1+1,-1\n"


def test_xlsx_keeps_strings_strings_and_makes_no_links():
    frame = pl.DataFrame({"text": ["=1+1", "http://evil.example/x", "@SUM(A1)", "-2+3"]})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert [(c.value, c.data_type, c.hyperlink) for c in sheet["A"][1:]] == [
        ("=1+1", "s", None), ("http://evil.example/x", "s", None), ("@SUM(A1)", "s", None), ("-2+3", "s", None)]


WRITERS = re.compile(r"\.write_csv\(|\.write_excel\(|\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|\bCOPY\b.+\bTO\b")


def test_no_other_csv_writer_exists():
    """Every CSV or workbook the product writes comes from engine/store/exports.py."""
    files = [ROOT / "app.py", *(ROOT / "engine").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
             *(ROOT / "pages").rglob("*.py")]
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in files if path.name != "exports.py" or path.parent.name != "store"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if WRITERS.search(line)]
    assert found == []
    assert WRITERS.search("frame.write_csv()") and WRITERS.search('COPY t TO "x.csv"')
