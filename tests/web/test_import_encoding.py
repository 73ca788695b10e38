"""The import wizard offers what a refusal asks for: a text encoding and a column separator.

Why: a JSON Lines file saved as UTF-16 (Excel's "Unicode text", Windows tools) or a CSV in
Latin-1 with semicolons is refused with the advice "pass --encoding utf-16", an option of
the command line that a person using the browser could not give: the form had no such
field, so the file could not be imported from the workbench at all. Found by uploading the
ingest fuzzer's damaged files through the wizard.
"""

from __future__ import annotations

from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from vigie.cases.workspace import Workspace
from vigie.schema import Dataset
from vigie.web.app import create_app
from vigie.web.settings import WebSettings
from vigie.web.views.imports import PREVIEW_ROWS, _head, in_form_words

from .uploads import upload

POSTS = [
    {"post_id": f"p{i}", "account_id": f"a{i % 3}", "created_at": f"2024-06-0{1 + i % 9}T10:00:00Z",
     "text": f"Élection n°{i} : « déjà » voté ✓", "platform": "x"}
    for i in range(40)
]  # fmt: skip


def _jsonl() -> str:
    import json

    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in POSTS)


def _client(tmp_path: Path) -> TestClient:
    root = tmp_path / "ws"
    Workspace.init(root).close()
    return TestClient(create_app(WebSettings(workspace=root)), base_url="http://127.0.0.1:8765")


def _run(client: TestClient, form: dict[str, str]):
    r = client.post("/import/run", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.app.state.vigie.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)


def test_a_utf16_json_lines_file_is_imported_with_the_encoding_chosen(tmp_path: Path) -> None:
    client = _client(tmp_path)
    body = _jsonl().encode("utf-16")  # with its byte-order mark, as Windows writes it
    csrf, token, page = upload(client, "posts.jsonl", body, "application/json")
    assert 'name="encoding"' in page and '<option value="utf-16">' in page
    base = {"csrf": csrf, "upload": token, "format": "jsonl", "dataset": "d"}

    # without the choice: refused, and the refusal names the form's field, not a CLI flag
    preview = unescape(client.post("/import/preview", data=base).text)
    assert "UTF-16" in preview and 'the "Text encoding" choice' in preview
    assert "--encoding" not in preview and "vigie-preview" not in preview  # no server path
    job = _run(client, base)
    assert job.state == "failed" and 'the "Text encoding" choice' in job.message, job.message

    # with it: the preview shows the rows, the import reads every post, accents whole
    preview = unescape(client.post("/import/preview", data={**base, "encoding": "utf-16"}).text)
    assert "p0" in preview and "« déjà » voté ✓" in preview
    job = _run(client, {**base, "encoding": "utf-16"})
    assert job.state == "done", job.message
    posts = Dataset(tmp_path / "ws" / "datasets" / "d").posts()
    assert sorted(posts.column("post_id").to_pylist()) == sorted(p["post_id"] for p in POSTS)
    assert "Élection n°7 : « déjà » voté ✓" in posts.column("text").to_pylist()


def test_a_latin1_csv_with_semicolons_takes_both_choices(tmp_path: Path) -> None:
    client = _client(tmp_path)
    lines = ["post_id;account_id;created_at;text"] + [
        f"{p['post_id']};{p['account_id']};{p['created_at']};Élection {i}, déjà"
        for i, p in enumerate(POSTS)
    ]
    body = ("\n".join(lines) + "\n").encode("latin-1")
    csrf, token, page = upload(client, "posts.csv", body, "text/csv")
    assert 'name="delimiter"' in page and '<option value="semicolon">' in page
    form = {
        "csrf": csrf,
        "upload": token,
        "format": "csv",
        "dataset": "d",
        "platform": "facebook",
        "encoding": "latin-1",
        "delimiter": "semicolon",
    }
    job = _run(client, form)
    assert job.state == "done", job.message
    posts = Dataset(tmp_path / "ws" / "datasets" / "d").posts()
    assert posts.num_rows == len(POSTS)
    assert "Élection 3, déjà" in posts.column("text").to_pylist()


def test_values_the_form_does_not_offer_are_ignored(tmp_path: Path) -> None:
    """A forged form cannot pass an encoding the page does not offer (``base64``, ``zlib``:
    byte codecs the command line refuses with a message) or a separator of its own."""
    client = _client(tmp_path)
    csrf, token, _ = upload(client, "posts.jsonl", _jsonl().encode(), "application/json")
    base = {"csrf": csrf, "upload": token, "format": "jsonl", "dataset": "d"}
    job = _run(client, {**base, "encoding": "base64", "delimiter": "\x00"})
    assert job.state == "done", job.message  # read as UTF-8, the default
    assert Dataset(tmp_path / "ws" / "datasets" / "d").posts().num_rows == len(POSTS)


def test_a_utf16_preview_is_cut_between_characters(tmp_path: Path) -> None:
    """The preview's cut by line read UTF-16 bytes: cutting at the byte of a newline left
    the next character's second byte behind, so the head was no longer UTF-16 text."""
    src = tmp_path / "big.jsonl"
    src.write_bytes((_jsonl() * 10).encode("utf-16"))
    out = tmp_path / "out"
    out.mkdir()
    for encoding in (None, "utf-16"):  # told by the byte-order mark, or chosen
        head = _head(src, "jsonl", out, encoding).read_bytes().decode("utf-16")
        lines = head.splitlines()
        assert PREVIEW_ROWS <= len(lines) < 400
        assert lines == (_jsonl() * 10).splitlines()[: len(lines)]


def test_cli_options_are_named_as_the_form_fields() -> None:
    said = in_form_words(
        "pass --encoding utf-16, or --date-format '%d/%m/%Y' (or --dayfirst); --format x; "
        "--map text=body; --mapping stays"
    )
    assert said == (
        'pass the "Text encoding" choice utf-16, or the "Times written as" choice \'%d/%m/%Y\' '
        '(or the "Times written as" choice); the "Format" choice x; the column mapping '
        "text=body; --mapping stays"
    )
