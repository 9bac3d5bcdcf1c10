"""Training is honest: a resume across a code, corpus or setting change is refused in one
line; the same code resumes; the plot title and final lines say what was trained; progress
off a terminal stays short."""

import random
import shutil
import sys

import numpy as np
import pytest

from tests.conftest import SOLUTIONS

WORDS = ("great cool brilliant wonderful well amazing worth sweet enjoyable boring bad dumb "
         "annoying female male queen king man woman rain snow hail coffee tea the a of and "
         "film movie is it").split()


def _corpus(folder, seed=0, count=300):
    """A tiny SST-format corpus (datasetSentences.txt) in folder."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["sentence_index\tsentence"] + [
        "%d\t%s" % (i + 1, " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12))))
        for i in range(count)]
    (folder / "datasetSentences.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def trainer(tmp_path, monkeypatch):
    """run.main from a copy of the solutions (so its code can change), saving every 10
    iterations; returns (call(*args) -> (status, stdout, stderr, title), copy folder)."""
    copy = tmp_path / "a2"
    shutil.copytree(SOLUTIONS, copy, ignore=shutil.ignore_patterns("written", "__pycache__"))
    monkeypatch.syspath_prepend(str(copy))
    monkeypatch.chdir(tmp_path)
    for name in [m for m in sys.modules if m in ("word2vec", "sgd", "run") or
                 m.startswith("utils")]:
        monkeypatch.delitem(sys.modules, name)
    import run  # pylint: disable=import-outside-toplevel
    import sgd  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(sgd, "SAVE_PARAMS_EVERY", 10)
    titles = []
    monkeypatch.setattr(run, "plotWordVectors",
                        lambda words, vectors, path, title=None: titles.append(title))
    corpus = _corpus(tmp_path / "corpus")

    def call(capsys, *args):
        status = run.main(["--corpus", str(corpus), "--output", "plot.png", *args])
        out = capsys.readouterr()
        return status, out.out, out.err, titles[-1] if titles else None

    yield call, copy, corpus
    for name in [m for m in sys.modules if m in ("word2vec", "sgd", "run") or
                 m.startswith("utils")]:
        del sys.modules[name]


def test_same_code_resumes_and_the_title_says_what_was_trained(trainer, capsys):
    call, _, _ = trainer
    status, out, err, title = call(capsys, "--iterations", "20")
    assert status == 0, err
    assert "Trained iterations 1 to 20" in out and "20 iterations" in title
    status, out, err, title = call(capsys, "--iterations", "40")
    assert status == 0, err
    assert "Resuming from iteration 20" in out
    assert "Trained iterations 21 to 40 (resumed from the save at 20)" in out
    assert "40 iterations" in title and "smoothed loss" in title
    assert "/" not in title  # no path


def test_resume_after_a_code_change_is_refused_in_one_line(trainer, capsys):
    call, copy, _ = trainer
    assert call(capsys, "--iterations", "20")[0] == 0
    with open(copy / "word2vec.py", "a", encoding="utf-8") as handle:
        handle.write("\n# fixed a bug\n")
    status, out, err, _ = call(capsys, "--iterations", "40")
    assert status == 2 and "Resuming" not in out
    assert err.count("\n") == 1 and err.startswith("error: not resuming from the save at "
                                                    "iteration 20")
    assert "word2vec.py changed since" in err and "--no-resume" in err
    status, out, err, title = call(capsys, "--iterations", "30", "--no-resume")
    assert status == 0, err
    assert "deleted the saves" in out and "Trained iterations 1 to 30" in out
    assert "30 iterations" in title


def test_resume_on_another_corpus_or_setting_is_refused(trainer, capsys, monkeypatch, tmp_path):
    call, _, corpus = trainer
    assert call(capsys, "--iterations", "10")[0] == 0
    _corpus(corpus, seed=1)
    status, _, err, _ = call(capsys, "--iterations", "20")
    assert status == 2 and "it was trained on another version of" in err
    _corpus(corpus, seed=0)
    monkeypatch.setattr(sys.modules["run"], "STEP", 0.5)
    status, _, err, _ = call(capsys, "--iterations", "20")
    assert status == 2 and "other settings: step 0.3 (now 0.5)" in err
    assert tmp_path.exists()


def test_a_save_past_the_requested_iterations_is_not_passed_off_as_a_short_run(trainer, capsys):
    call, _, _ = trainer
    assert call(capsys, "--iterations", "20")[0] == 0
    status, out, err, _ = call(capsys, "--iterations", "10")
    assert status == 2 and "Trained" not in out
    assert "is at iteration 20, past --iterations 10" in err
    status, out, err, title = call(capsys, "--iterations", "20")
    assert status == 0 and "Nothing to train" in out and "20 iterations" in title


def test_a_save_without_a_fingerprint_is_refused(tmp_path):
    import subprocess  # pylint: disable=import-outside-toplevel
    corpus = _corpus(tmp_path / "corpus")
    saved = tmp_path / "saved" / "sst"
    saved.mkdir(parents=True)
    np.save(saved / "saved_params_5000.npy", np.zeros((4, 10)))
    result = subprocess.run([sys.executable, str(SOLUTIONS / "run.py"), "--corpus", str(corpus),
                             "--iterations", "10"], cwd=tmp_path, capture_output=True,
                            text=True, check=False, timeout=300)
    assert result.returncode == 2
    assert "does not record what produced it" in result.stderr and "Traceback" not in \
        result.stderr


def test_progress_off_a_terminal_is_a_few_dozen_lines(solutions_on_path, capsys):
    import sgd  # pylint: disable=import-outside-toplevel
    sgd.sgd(lambda x: (float(x * x), 2 * x), 1.0, 1e-6, 40000, PRINT_EVERY=10)
    lines = capsys.readouterr().out.splitlines()
    assert 20 <= len(lines) <= 45 and lines[-1].startswith("iter 40000/40000")
    assert sgd.LAST_RUN["first"] == 1 and sgd.LAST_RUN["last"] == 40000
