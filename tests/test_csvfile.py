"""CSV files for Excel: BOM, ';' between fields, formulas defused, numbers kept."""
import csv
import io

from camp.csvfile import to_csv


def test_to_csv_defuses_formulas_and_keeps_numbers():
    body = to_csv(["Navn", "Antal"], [["=HYPERLINK(\"x\")", 3], ["Åse Ørum", -2],
                                      ["@SUM(A1)", None], ["+45 1234", 0]])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Navn", "Antal"], ["'=HYPERLINK(\"x\")", "3"], ["Åse Ørum", "-2"],
                    ["'@SUM(A1)", ""], ["'+45 1234", "0"]]
