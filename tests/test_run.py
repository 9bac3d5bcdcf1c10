"""run.py trains and plots, on SST or on the offline corpus, and explains bad input."""

import subprocess
import sys

import numpy as np

from tests.conftest import SOLUTIONS

PNG = b"\x89PNG\r\n\x1a\n"


def _run(tmp_path, *args):
    return subprocess.run([sys.executable, str(SOLUTIONS / "run.py"), *args], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=300)


def test_offline_corpus_short_run_writes_the_plot(tmp_path):
    result = _run(tmp_path, "--iterations", "20", "--output", "plot.png")
    assert result.returncode == 0, result.stderr
    assert "Rotten Tomatoes movie reviews" in result.stdout
    assert "iter 20/20: loss" in result.stdout and "it/s" in result.stdout
    assert (tmp_path / "plot.png").read_bytes().startswith(PNG)
    assert (tmp_path / "saved" / "offline").is_dir()


def test_sst_short_run_writes_the_plot(tmp_path, sst_path):
    result = _run(tmp_path, "--iterations", "20", "--corpus", str(sst_path))
    assert result.returncode == 0, result.stderr
    assert "(19539 word types)" in result.stdout
    assert "not in this corpus" not in result.stdout  # all 24 words are in SST
    assert (tmp_path / "word_vectors.png").read_bytes().startswith(PNG)


def test_missing_corpus_is_a_clear_error(tmp_path):
    result = _run(tmp_path, "--corpus", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: no datasetSentences.txt in")
    assert "Traceback" not in result.stderr


def test_saved_parameters_of_an_unknown_run_are_refused(tmp_path):
    saved = tmp_path / "saved" / "offline"
    saved.mkdir(parents=True)
    np.save(saved / "saved_params_5000.npy", np.zeros((4, 10)))
    result = _run(tmp_path, "--iterations", "10")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "not resuming from the save at iteration 5000 in saved/offline" in result.stderr
    assert "does not record what produced it" in result.stderr and "--no-resume" in result.stderr
