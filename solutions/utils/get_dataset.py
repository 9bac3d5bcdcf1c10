#!/usr/bin/env python
"""Download the Stanford Sentiment Treebank and verify it.

    python utils/get_dataset.py [--url URL] [--sha256 HEX] [--dest DIR]

Downloads the zip from Stanford's published address, checks its SHA-256,
and unpacks it to DEST/stanfordSentimentTreebank (default DEST: utils/datasets).
Does nothing when the files are already there. Never leaves a partial file.
"""

import argparse
import hashlib
import http.client
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib

URL = "http://nlp.stanford.edu/~socherr/stanfordSentimentTreebank.zip"
SHA256 = "3f5209483b46bbf129cacbbbe6ae02fe780407034f61cf6342b7833257c3f1db"
FOLDER = "stanfordSentimentTreebank"
REQUIRED = "datasetSentences.txt"
DEFAULT_DEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets")


class DatasetError(Exception):
    """Downloading or unpacking failed; the message says what to do."""


def sha256(path):
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url, target, timeout=30):
    """Fetch url into target (written under a temporary name, renamed at the end)."""
    partial = target + ".part"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            for block in iter(lambda: response.read(1 << 16), b""):
                out.write(block)
                done += len(block)
                if total and sys.stdout.isatty():
                    print("\rdownloading %s: %d%%" % (url, 100 * done // total), end="")
        if total and sys.stdout.isatty():
            print()
        if total and done != total:
            raise http.client.IncompleteRead(b"", total - done)
        os.replace(partial, target)
    except (OSError, http.client.HTTPException, ValueError) as error:
        # URLError and timeouts are OSErrors; a connection cut short is an IncompleteRead.
        if isinstance(error, urllib.error.HTTPError):
            reason = "HTTP %d %s" % (error.code, error.reason)
        elif isinstance(error, http.client.IncompleteRead):
            reason = "connection lost with %d bytes missing" % error.expected
        else:
            reason = getattr(error, "reason", None) or "%s: %s" % (type(error).__name__, error)
        raise DatasetError("cannot download %s (%s). Check your connection and retry, or copy "
                           "the %s folder by hand into %s." % (
                               url, reason, FOLDER, os.path.dirname(target))) from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def fetch(dest=DEFAULT_DEST, url=URL, expected=SHA256):
    """Make sure dest/stanfordSentimentTreebank holds the treebank; return its path."""
    expected = expected.lower()
    folder = os.path.join(dest, FOLDER)
    required = os.path.join(folder, REQUIRED)
    if os.path.isfile(required) and os.path.getsize(required) > 0:
        print("The Stanford Sentiment Treebank is already in %s" % folder)
        return folder
    os.makedirs(dest, exist_ok=True)
    archive = os.path.join(dest, FOLDER + ".zip")
    if not (os.path.isfile(archive) and sha256(archive) == expected):
        download(url, archive)
    got = sha256(archive)
    if got != expected:
        os.remove(archive)
        raise DatasetError("the download from %s is corrupt or not the treebank: SHA-256 %s, "
                           "expected %s. Deleted it; retry." % (url, got, expected))
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        try:
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.namelist():
                    if member.startswith("/") or ".." in member.split("/"):
                        raise DatasetError("%s contains an unsafe path %r" % (archive, member))
                zipped.extractall(tmp)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            os.remove(archive)
            raise DatasetError("%s is not a valid zip file (%s). Deleted it; retry."
                               % (archive, error)) from None
        found = [root for root, _, files in os.walk(tmp) if REQUIRED in files]
        if not found:
            raise DatasetError("%s has no %s inside" % (archive, REQUIRED))
        if os.path.exists(folder):
            shutil.rmtree(folder)
        shutil.move(found[0], folder)
    os.remove(archive)
    print("The Stanford Sentiment Treebank is in %s" % folder)
    return folder


def main(argv=None):
    """Command line; returns a process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=URL, help="where to download from")
    parser.add_argument("--sha256", default=SHA256, type=hexDigest,
                        help="expected SHA-256 of the zip")
    parser.add_argument("--dest", default=DEFAULT_DEST, help="folder to unpack into")
    args = parser.parse_args(argv)
    try:
        fetch(args.dest, args.url, args.sha256)
    except DatasetError as error:
        print("error: %s" % error, file=sys.stderr)
        return 1
    except OSError as error:  # e.g. DEST not writable, disk full
        print("error: cannot write the treebank into %s (%s)" % (args.dest, error),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing partial was left behind", file=sys.stderr)
        return 130
    return 0


def hexDigest(text):
    """argparse type: a SHA-256 as 64 hex digits (lower-cased)."""
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise argparse.ArgumentTypeError("expected 64 hexadecimal digits, got %r" % text)
    return text.lower()


if __name__ == "__main__":
    sys.exit(main())
