"""Text is read as it was written: real bytes of the code pages Excel and CRMs write, each read
back exactly, the choice shown, and the user's override honoured (CLI `--encoding`, plan.reread)."""
from __future__ import annotations

import codecs

import pytest

from engine.cli import main
from engine.importing import import_files, plan_files
from engine.importing.encodings import implausibility
from engine.store import Store
from engine.store.errors import TerrainError

WESTERN = [("001A", "Müller GmbH", "München"), ("001B", "Köln Bau AG", "Köln"),
           ("001C", "Schäfer & Söhne", "Düsseldorf"), ("001D", "Françoise Café", "Besançon")]
CENTRAL = [("001A", "Łódź Sp. z o.o.", "Łódź"), ("001B", "Kraków Trade", "Kraków"),
           ("001C", "Příbram Kovy s.r.o.", "Příbram"), ("001D", "Żółć Dvořák", "Poznań")]
SIMPLIFIED = [("001A", "北京科技有限公司", "北京"), ("001B", "上海贸易有限公司", "上海"),
              ("001C", "深圳制造", "深圳"), ("001D", "广州物流集团", "广州")]
TRADITIONAL = [("001A", "台北科技股份有限公司", "台北"), ("001B", "高雄貿易", "高雄"),
               ("001C", "台中製造廠", "台中"), ("001D", "新竹電子", "新竹")]
JAPANESE = [("001A", "東京テクノロジー株式会社", "東京"), ("001B", "大阪商事", "大阪"),
            ("001C", "名古屋製作所", "名古屋"), ("001D", "さくら食品", "札幌")]
MIXED = [("001A", "Müller GmbH", "München"), ("001B", "北京科技有限公司", "北京")]

CASES = [
    ("cp1252", WESTERN, b"", "cp1252"),
    ("cp1250", CENTRAL, b"", "cp1250"),
    ("gb18030", SIMPLIFIED, b"", "gb18030"),
    ("gbk", SIMPLIFIED, b"", "gb18030"),
    ("big5", TRADITIONAL, b"", "big5"),
    ("shift_jis", JAPANESE, b"", "cp932"),
    ("utf-16-le", MIXED, codecs.BOM_UTF16_LE, "utf-16"),
    ("utf-16-be", MIXED, codecs.BOM_UTF16_BE, "utf-16"),
    ("utf-16-le", MIXED, b"", "utf-16-le"),
    ("utf-16-be", MIXED, b"", "utf-16-be"),
    ("utf-16-le", SIMPLIFIED, b"", "utf-16-le"),
    ("utf-8", MIXED, codecs.BOM_UTF8, "utf-8-sig"),
    ("utf-8", MIXED, b"", "utf-8"),
]


def _csv(rows) -> str:
    return "Id,Name,BillingCity\r\n" + "".join(f"{i},{n},{c}\r\n" for i, n, c in rows)


def _stored(store: Store) -> list[tuple]:
    return sorted(store.table("accounts", ["account_id", "name", "city"]).iter_rows())


@pytest.mark.parametrize(("codec", "rows", "bom", "detected"), CASES,
                         ids=[f"{c[0]}{'-bom' if c[2] else ''}-{c[1][0][1][:4]}" for c in CASES])
def test_each_encoding_reads_as_written(tmp_path, codec, rows, bom, detected):
    path = tmp_path / "accounts.csv"
    path.write_bytes(bom + _csv(rows).encode(codec))
    plan = plan_files([path], entity="accounts")
    try:
        assert plan.files[0].table.encoding == detected
        assert plan.files[0].table.notes == []
    finally:
        plan.close()
    store = Store.open(":memory:")
    import_files(store, [path], reporting_currency="USD", entity="accounts")
    assert _stored(store) == sorted(rows)
    store.close()


def test_the_windows_1252_file_of_the_issue_is_not_read_as_chinese(tmp_path):
    # GB18030 accepts most Latin-1 byte pairs: this file used to import as 'M黮ler', 'M黱chen'.
    path = tmp_path / "accounts.csv"
    path.write_bytes("Id,Name,BillingCity\n001A,Müller,München\n001B,Weber,Köln\n".encode("cp1252"))
    assert "Müller".encode("cp1252").decode("gb18030") == "M黮ler"
    store = Store.open(":memory:")
    import_files(store, [path], reporting_currency="USD", entity="accounts")
    assert _stored(store) == [("001A", "Müller", "München"), ("001B", "Weber", "Köln")]
    store.close()


def test_the_evidence_is_the_whole_file_not_its_first_64_kb(tmp_path):
    ascii_rows = "".join(f"00{n:05d},Account {n},Berlin\n" for n in range(4000))  # ~100 KB of ASCII
    path = tmp_path / "accounts.csv"
    path.write_bytes(("Id,Name,BillingCity\n" + ascii_rows + "0099999,Müller,München\n").encode("cp1252"))
    plan = plan_files([path], entity="accounts")
    assert plan.files[0].table.encoding == "cp1252"
    plan.close()


def test_an_equally_plausible_reading_is_never_silent(tmp_path):
    # Å (0xC5) and Ø (0xD8) are Ĺ and Ř in Windows-1250: both read as plausible names.
    path = tmp_path / "accounts.csv"
    path.write_bytes("Id,Name,BillingCity\n001A,Åsa Øberg,Malmö\n".encode("cp1252"))
    plan = plan_files([path], entity="accounts")
    table = plan.files[0].table
    assert table.encoding == "cp1252" and table.encodings[0] == "cp1250"
    [note] = table.notes
    assert note.startswith("accounts.csv was read as Windows-1252") and "Windows-1250" in note and "--encoding" in note
    plan.close()


def test_mojibake_patterns_score_higher_than_the_text_itself():
    for written, misread in [("Łódź", "£ódŸ"), ("Paweł Żółć", "Pawe³ ¯ó³æ"), ("Müller", "M黮ler"),
                             ("Société", "SociÃ©tÃ©")]:
        assert implausibility(written) == 0 < implausibility(misread), (written, misread)


def test_the_user_chooses_another_encoding_on_the_plan_and_on_the_cli(tmp_path, capsys):
    path = tmp_path / "accounts.csv"
    path.write_bytes("Id,Name,BillingCity\n001A,Ĺsa Řberg,Malmö\n".encode("cp1250"))
    plan = plan_files([path], entity="accounts")
    assert plan.files[0].table.encoding == "cp1252"  # the bytes alone cannot tell Ĺsa Řberg from Åsa Øberg
    plan.reread(0, "windows-1250")
    assert plan.files[0].table.encoding == "cp1250"
    assert plan.files[0].table.first_rows(["Name"], 1)["Name"].to_list() == ["Ĺsa Řberg"]
    with pytest.raises(TerrainError, match="Unknown encoding 'klingon'"):
        plan.reread(0, "klingon")
    plan.close()
    db = tmp_path / "t.duckdb"
    assert main(["import", str(path), "--entity", "accounts", "--encoding", "cp1250", "--db", str(db)]) == 0
    assert "accounts.csv: text read as Windows-1250 (Central European) (as chosen" in capsys.readouterr().out
    store = Store.open(db)
    assert store.table("accounts", ["name"])["name"].to_list() == ["Ĺsa Řberg"]
    store.close()
    assert main(["import", str(path), "--encoding", "klingon", "--db", str(db)]) == 2
    assert "Unknown encoding 'klingon'" in capsys.readouterr().err


def test_the_cli_says_which_encoding_it_detected(tmp_path, capsys):
    path = tmp_path / "accounts.csv"
    path.write_bytes(_csv(CENTRAL).encode("cp1250"))
    assert main(["import", str(path), "--entity", "accounts", "--db", str(tmp_path / "t.duckdb")]) == 0
    assert "accounts.csv: text read as Windows-1250 (Central European) (detected; override with --encoding)" \
        in capsys.readouterr().out
