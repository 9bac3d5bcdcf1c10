"""Downloading SST: checksum, broken archives, offline; served from a local HTTP server."""

import functools
import hashlib
import http.server
import io
import socket
import subprocess
import sys
import threading
import zipfile

import pytest

from tests.conftest import SOLUTIONS


@pytest.fixture
def get_dataset(solutions_on_path):
    from utils import get_dataset as module
    return module


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1 at a free port; yield the base URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def _treebank_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stanfordSentimentTreebank/datasetSentences.txt",
                         "sentence_index\tsentence\n1\tA fine movie .\n")
        archive.writestr("stanfordSentimentTreebank/README.txt", "test\n")
    return buffer.getvalue()


def test_download_verifies_and_unpacks(get_dataset, server, tmp_path, capsys):
    root, base = server
    payload = _treebank_zip()
    (root / "sst.zip").write_bytes(payload)
    dest = tmp_path / "datasets"
    folder = get_dataset.fetch(str(dest), base + "/sst.zip", hashlib.sha256(payload).hexdigest())
    assert (dest / "stanfordSentimentTreebank" / "datasetSentences.txt").read_text().endswith(
        "A fine movie .\n")
    assert folder == str(dest / "stanfordSentimentTreebank")
    assert sorted(p.name for p in dest.iterdir()) == ["stanfordSentimentTreebank"]
    (root / "sst.zip").unlink()  # a second call must not download again
    get_dataset.fetch(str(dest), base + "/sst.zip", "0" * 64)
    assert "already" in capsys.readouterr().out


def test_checksum_mismatch_deletes_the_download(get_dataset, server, tmp_path):
    root, base = server
    (root / "sst.zip").write_bytes(_treebank_zip())
    dest = tmp_path / "datasets"
    with pytest.raises(get_dataset.DatasetError, match="expected " + "a" * 64):
        get_dataset.fetch(str(dest), base + "/sst.zip", "a" * 64)
    assert not list(dest.iterdir())


def test_broken_zip_is_reported(get_dataset, server, tmp_path):
    root, base = server
    payload = b"this is not a zip archive"
    (root / "sst.zip").write_bytes(payload)
    with pytest.raises(get_dataset.DatasetError, match="not a valid zip"):
        get_dataset.fetch(str(tmp_path / "d"), base + "/sst.zip",
                          hashlib.sha256(payload).hexdigest())


def test_the_published_checksum_is_the_default(get_dataset):
    assert get_dataset.SHA256 == "3f5209483b46bbf129cacbbbe6ae02fe780407034f61cf6342b7833257c3f1db"
    assert get_dataset.URL.endswith("/stanfordSentimentTreebank.zip")


def test_offline_is_a_clear_one_line_error(tmp_path):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = subprocess.run(
        [sys.executable, "utils/get_dataset.py", "--url", "http://127.0.0.1:%d/sst.zip" % port,
         "--dest", str(tmp_path / "d")],
        cwd=SOLUTIONS, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot download http://127.0.0.1:")
    assert "retry" in result.stderr and "Traceback" not in result.stderr
    assert not list((tmp_path / "d").iterdir())


class _CutShort(http.server.BaseHTTPRequestHandler):
    """Promises 100,000 bytes, sends 9, hangs up: a connection lost mid-download."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"PK\x03\x04 half")

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


def test_a_download_cut_short_leaves_nothing_behind(get_dataset, tmp_path):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _CutShort)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    dest = tmp_path / "d"
    try:
        with pytest.raises(get_dataset.DatasetError, match="connection lost with 99991 bytes missing.*retry"):
            get_dataset.fetch(str(dest), "http://127.0.0.1:%d/sst.zip" % httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert not list(dest.iterdir())


def test_not_found_names_the_reason(get_dataset, server, tmp_path):
    _, base = server
    with pytest.raises(get_dataset.DatasetError, match=r"/missing.zip \(HTTP 404 File not found\)"):
        get_dataset.fetch(str(tmp_path / "d"), base + "/missing.zip")


def test_command_line_success_and_bad_checksum_argument(get_dataset, server, tmp_path, capsys):
    root, base = server
    payload = _treebank_zip()
    (root / "sst.zip").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest().upper()  # either case is accepted
    dest = tmp_path / "datasets"
    assert get_dataset.main(["--url", base + "/sst.zip", "--sha256", digest,
                             "--dest", str(dest)]) == 0
    assert "is in" in capsys.readouterr().out
    assert (dest / "stanfordSentimentTreebank" / "README.txt").is_file()
    with pytest.raises(SystemExit) as exit_info:
        get_dataset.main(["--sha256", "abc"])
    assert exit_info.value.code == 2 and "64 hexadecimal digits" in capsys.readouterr().err


def test_an_empty_sentences_file_is_fetched_again(get_dataset, server, tmp_path):
    root, base = server
    payload = _treebank_zip()
    (root / "sst.zip").write_bytes(payload)
    folder = tmp_path / "d" / "stanfordSentimentTreebank"
    folder.mkdir(parents=True)
    (folder / "datasetSentences.txt").write_text("")
    get_dataset.fetch(str(tmp_path / "d"), base + "/sst.zip", hashlib.sha256(payload).hexdigest())
    assert "A fine movie" in (folder / "datasetSentences.txt").read_text()
