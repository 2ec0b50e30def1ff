"""Hostile CSV inputs of ``eshoppye predict`` (issue 11, items 1-8, 12 and the tracebacks):
every input row comes out, in order, with a ``problème`` when it cannot be classified."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from conftest import titles


def csv_bytes(rows: list[str], header: str = "designation,description,productid,imageid") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_all_empty_rows_come_out_with_a_problem(predict):  # item 1
    rows = [f"{t},,{i},{i}" for i, t in enumerate(titles(16))]
    for k in (3, 7, 11, 19):
        rows.insert(k, ",,,")
    rc, out, stdout, stderr = predict(csv_bytes(rows))
    assert len(out) == 20 and rc == 1
    empty = out["designation"] == ""
    assert empty.sum() == 4 and (out.loc[empty, "prdtypecode"] == "").all()
    assert (out.loc[empty, "problème"] == "ni titre, ni description, ni image lisible: produit non classé").all()
    assert (out.loc[~empty, "prdtypecode"] != "").all() and (out.loc[~empty, "problème"] == "").all()
    assert "16 produit(s) classé(s) sur 20 lu(s), 4 non classé(s)" in stdout


def test_unclosed_quote_does_not_swallow_the_next_rows(predict):  # item 2
    rows = [f"{t},desc {i},{i},{i}" for i, t in enumerate(titles(20))]
    rows[5] = '"Lampe de chevet LED,desc 5,5,5'
    rc, out, _, stderr = predict(csv_bytes(rows))
    assert len(out) == 20 and rc == 1
    assert list(out["designation"][6:]) == titles(20)[6:]  # the next products are intact
    assert out.loc[5, "problème"].startswith("guillemet non fermé: ligne lue seule")
    assert out.loc[5, "prdtypecode"] == "" and "ligne 7: guillemet non fermé" in stderr
    assert (out.drop(index=5)["problème"] == "").all()


def test_prediction_column_names_in_the_input_are_kept(predict):  # item 3
    raw = csv_bytes(["Peluche ours brun,,1,2,9999,ma catégorie,0.5,moi,x"],
                    "designation,description,productid,imageid,prdtypecode,category,confidence,decided_by,"
                    "prdtypecode_text-tfidf")
    rc, out, _, stderr = predict(raw)
    assert rc == 0 and len(out) == 1
    row = out.iloc[0]
    assert (row["prdtypecode_input"], row["category_input"], row["confidence_input"],
            row["decided_by_input"], row["prdtypecode_text-tfidf_input"]) == ("9999", "ma catégorie", "0.5", "moi", "x")
    assert row["prdtypecode"] != "9999" and row["decided_by"] == "text-tfidf"
    assert "colonne 'prdtypecode' de l'entrée gardée sous le nom 'prdtypecode_input'" in stderr


def test_one_latin1_line_leaves_the_utf8_rows_intact(predict):  # item 4
    lines = [f"Économie d'énergie lampe {i},,{i},{i}".encode() for i in range(25)]
    lines[20] = "Café crème dosettes,,20,20".encode("latin-1")  # line 22 of the file
    raw = b"designation,description,productid,imageid\n" + b"\n".join(lines) + b"\n"
    rc, out, _, stderr = predict(raw)
    assert len(out) == 25 and rc == 0
    assert out.loc[0, "designation"] == "Économie d'énergie lampe 0"
    assert all(out.loc[i, "designation"] == f"Économie d'énergie lampe {i}" for i in range(25) if i != 20)
    assert out.loc[20, "designation"] == "Café crème dosettes"
    assert out.loc[20, "problème"] == "pas en UTF-8, lue comme Windows-1252"
    assert "1 ligne(s) pas en UTF-8 (première: ligne 22)" in stderr


def test_a_field_over_131072_characters_is_read(predict):  # item 5
    long_desc = "piscine " * 30000  # 240,000 characters
    rc, out, stdout, _ = predict(csv_bytes([f"Pompe piscine,{long_desc},1,1", "Peluche ours,,2,2"]))
    assert rc == 0 and len(out) == 2 and (out["prdtypecode"] != "").all()
    assert len(out.loc[0, "description"]) == len(long_desc)
    assert "2 produit(s) classé(s) sur 2 lu(s)" in stdout


def test_output_is_atomic(predict, tmp_path, monkeypatch):  # item 6
    import eshoppye.output as O

    target = tmp_path / "kept.csv"
    target.write_text("previous,complete\n1,2\n")

    def dies_midway(frame):
        raise KeyboardInterrupt  # as a kill during the write

    monkeypatch.setattr(O, "escape_formulas", dies_midway)
    rc, _, _, stderr = predict(csv_bytes(["Peluche ours,,1,1"]), output=target)
    assert rc == 2 and "interrompu" in stderr
    assert target.read_text() == "previous,complete\n1,2\n"  # never a partial file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "kept.csv"]  # no temporary left


def test_output_is_atomic_under_kill_9(tmp_path):  # item 6, the real thing
    import signal
    import subprocess
    import sys
    import time

    from conftest import MODELS, ROOT

    n = 30000
    (tmp_path / "in.csv").write_text("designation\n" + "\n".join(titles(n)) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    proc = subprocess.Popen([sys.executable, "-m", "eshoppye", "predict", "--models", str(MODELS), "--only",
                             "text-tfidf", "--input", str(tmp_path / "in.csv"), "--output", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.csv.*.tmp")):
        time.sleep(0.01)
    while time.monotonic() < deadline and proc.poll() is None:  # wait for the write to begin
        tmp = list(tmp_path.glob(".out.csv.*.tmp"))
        if tmp and tmp[0].exists() and tmp[0].stat().st_size > 0:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if out.exists():  # the rename happened before the kill: then the file is complete
        assert len(pd.read_csv(out)) == n
    # otherwise nothing at the final name: never a valid-looking partial CSV


def test_missing_image_keeps_the_image_path_value(predict):  # item 7
    raw = csv_bytes(["Peluche ours,,1,1,photos/absente.jpg"], "designation,description,productid,imageid,image_path")
    rc, out, _, stderr = predict(raw)
    assert rc == 0 and out.loc[0, "image_path"] == "photos/absente.jpg"
    assert out.loc[0, "problème"] == "image introuvable photos/absente.jpg, produit classé sur le texte seul"


def test_duplicate_header_is_refused(predict):  # item 8
    rc, out, _, stderr = predict(csv_bytes(["a,b,c", "d,e,f", "g,h,i"], "designation,description,designation"))
    assert rc == 2 and out is None
    assert stderr.strip().endswith("colonne(s) en double dans l'en-tête: designation "
                                   "(chaque colonne doit avoir un nom unique)")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


@pytest.mark.parametrize("value", ["1e30", "-3", "12abc", "99999999999999999999"])
def test_invalid_imageid_is_refused_per_row(predict, value):  # item 12
    rc, out, _, stderr = predict(csv_bytes([f"Peluche ours,,1,{value}", "Manette PS4,,2,2"]))
    assert len(out) == 2 and out.loc[0, "imageid"] == value  # the user's value, untouched
    assert out.loc[0, "problème"] == f"imageid invalide {value!r} (entier attendu), ignoré pour trouver l'image"
    assert out.loc[1, "problème"] == ""


def test_reserved_column_name_is_refused(predict):  # traceback: input column named _line
    rc, out, _, stderr = predict(csv_bytes(["1,Peluche ours"], "_line,designation"))
    assert rc == 2 and out is None
    assert "colonne(s) réservée(s) par eshoppye dans l'entrée: _line (renommez-les)" in stderr
    assert "Traceback" not in stderr


def test_output_directory_refused_before_classifying(predict, tmp_path, monkeypatch):
    import eshoppye.predict as P

    monkeypatch.setattr(P, "load_models", lambda *a, **k: pytest.fail("models loaded before the check"))
    rc, _, _, stderr = predict(csv_bytes(["Peluche ours,,1,1"]), output=tmp_path)
    assert rc == 2 and f"{tmp_path}: c'est un dossier, indiquez un fichier de sortie (.csv)" in stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes everywhere")
def test_output_not_writable_refused_before_classifying(predict, tmp_path, monkeypatch):
    import eshoppye.predict as P

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setattr(P, "load_models", lambda *a, **k: pytest.fail("models loaded before the check"))
    rc, _, _, stderr = predict(csv_bytes(["Peluche ours,,1,1"]), output=locked / "o.csv")
    assert rc == 2 and "impossible d'écrire ici" in stderr


def test_output_not_writable_as_root_too(predict, tmp_path, monkeypatch):
    """A path under a regular file can never be written, whoever runs it."""
    import eshoppye.predict as P

    (tmp_path / "file").write_text("x")
    monkeypatch.setattr(P, "load_models", lambda *a, **k: pytest.fail("models loaded before the check"))
    rc, _, _, stderr = predict(csv_bytes(["Peluche ours,,1,1"]), output=tmp_path / "file" / "o.csv")
    assert rc == 2 and "impossible d'écrire ici" in stderr and "Traceback" not in stderr


def test_semicolon_csv_is_detected(predict):
    rc, out, _, _ = predict("designation;description;prix\nPeluche ours brun;douce;12,5\n".encode())
    assert rc == 0 and len(out) == 1 and out.loc[0, "prix"] == "12,5" and out.loc[0, "prdtypecode"] != ""


def test_formulas_are_escaped_in_the_output(predict):
    rc, out, _, _ = predict(csv_bytes(['"=HYPERLINK(""http://x.example"",""clic"")",+1+2,-3,@SUM(A1)']))
    assert out.loc[0, "designation"] == "'=HYPERLINK(\"http://x.example\",\"clic\")"
    assert out.loc[0, "description"] == "'+1+2"
    assert out.loc[0, "productid"] == "-3" and out.loc[0, "imageid"] == "'@SUM(A1)"  # numbers stay numbers


def test_wrong_field_count_keeps_the_row(predict):
    rc, out, _, stderr = predict(csv_bytes(["Peluche ours,,1,1", "a,b,c,d,e,f", "Manette PS4,,2,2"]))
    assert rc == 1 and len(out) == 3 and list(out["designation"]) == ["Peluche ours", "a", "Manette PS4"]
    assert out.loc[1, "problème"] == "6 champs au lieu de 4, produit non classé" and out.loc[1, "prdtypecode"] == ""


def test_header_only_gives_an_empty_output(predict):
    rc, out, stdout, _ = predict(b"designation,description\n")
    assert rc == 0 and len(out) == 0 and "prdtypecode" in out.columns
    assert "0 produit(s) classé(s) sur 0 lu(s)" in stdout


def test_uncertain_and_top3_columns(predict):
    rc, out, _, _ = predict(csv_bytes(["Pompe à chaleur piscine 9 kW,,1,1", "truc,,2,2"]), "--uncertain-below", "0.9")
    assert out.loc[0, "incertain"] == "False" and out.loc[1, "incertain"] == "True"
    codes = [c.split(":")[0] for c in out.loc[0, "top3"].split()]
    assert len(codes) == 3 and codes[0] == out.loc[0, "prdtypecode"]
    assert abs(float(out.loc[0, "top3"].split()[0].split(":")[1]) - float(out.loc[0, "confidence"])) < 0.006


def test_bytes_neither_utf8_nor_windows_1252_refuse_the_file(predict):
    rc, out, _, stderr = predict(b"designation\nmanette ok\nmanette \x81\x8d\n")
    assert rc == 2 and out is None
    assert stderr.strip().endswith("encodage illisible à la ligne 3 (ni UTF-8 ni Windows-1252)")
