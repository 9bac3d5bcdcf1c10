"""The dataset class: CS224N's reading of SST, fast, seeded and deterministic."""

import random

import numpy as np
import pytest

SENTENCES = [["the", "movie", "is", "great"], ["a", "great", "great", "cast"],
             ["the", "end"], ["boring"], ["the", "movie", "the", "cast", "the", "end"]]


def zipf_corpus(sentences=3000, vocabulary=2000, seed=0):
    """Made-up sentences whose word frequencies fall off like natural text."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, vocabulary + 1)
    words = rng.choice(vocabulary, size=(sentences, 8), p=weights / weights.sum())
    return [["w%d" % w for w in row] for row in words]


@pytest.fixture
def treebank(solutions_on_path):
    from utils import treebank as module
    return module


def test_vocabulary_in_order_of_first_appearance_with_unk_last(treebank):
    corpus = SENTENCES + zipf_corpus()
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    tokens = dataset.tokens()
    assert list(tokens)[:4] == ["the", "movie", "is", "great"]
    assert tokens["UNK"] == len(tokens) - 1
    assert dataset.numSentences() == len(corpus)


def test_reads_the_file_like_cs224n(treebank, tmp_path):
    lines = ["%d\t%s" % (i + 2, " ".join(s)) for i, s in enumerate(zipf_corpus())]
    (tmp_path / "datasetSentences.txt").write_text(
        "sentence_index\tsentence\n1\tThe Rock is destined .\n" + "\n".join(lines) + "\n",
        encoding="utf-8")
    dataset = treebank.StanfordSentiment(path=str(tmp_path))
    assert dataset.sentences()[0] == ["the", "rock", "is", "destined", "."]
    assert dataset.sentences()[1] == zipf_corpus()[0]


def test_missing_folder_says_how_to_get_the_data(treebank, tmp_path):
    with pytest.raises(FileNotFoundError, match="get_dataset.py"):
        treebank.StanfordSentiment(path=str(tmp_path / "nowhere"))


def test_contexts_come_from_one_sentence_without_the_center_word(treebank):
    corpus = zipf_corpus()
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    sets = [set(s) for s in corpus]
    random.seed(0)
    for _ in range(200):
        center, context = dataset.getRandomContext(2)
        assert context and center not in context and len(context) <= 4
        assert any(center in s and set(context) <= s for s in sets)


def test_a_corpus_too_small_to_subsample_is_a_clear_error(treebank):
    with pytest.raises(ValueError, match="too small"):
        treebank.StanfordSentiment.fromSentences(SENTENCES)


def test_draws_are_deterministic_given_the_random_seed(treebank):
    runs = []
    for _ in range(2):
        random.seed(42)
        dataset = treebank.StanfordSentiment.fromSentences(zipf_corpus())
        runs.append(([dataset.getRandomContext(3) for _ in range(20)],
                     dataset.sampleTokenIndices(50).tolist(), dataset.sampleTokenIdx()))
    assert runs[0] == runs[1]


def test_sampling_follows_unigram_to_the_three_quarters(treebank):
    corpus = zipf_corpus(vocabulary=300)
    dataset = treebank.StanfordSentiment.fromSentences(corpus, tablesize=100000)
    tokens = dataset.tokens()
    freq = np.zeros(len(tokens))
    for sentence in corpus:
        for word in sentence:
            freq[tokens[word]] += 1
    freq[tokens["UNK"]] = 1
    expected = freq ** 0.75 / np.sum(freq ** 0.75)
    table = np.bincount(dataset.sampleTable(), minlength=len(tokens)) / 100000
    np.testing.assert_allclose(table, expected, atol=2e-5)
    random.seed(7)
    drawn = np.bincount(dataset.sampleTokenIndices(200000), minlength=len(tokens)) / 200000
    unigram = freq / freq.sum()
    # total variation: sampling noise here is about 0.012; plain unigram is far off
    assert 0.5 * np.abs(drawn - expected).sum() < 0.03
    assert 0.5 * np.abs(drawn - unigram).sum() > 0.06


def test_subsampling_drops_frequent_words_more_often(treebank):
    corpus = [s + ["rare%d" % i] for i, s in enumerate(zipf_corpus())]
    random.seed(3)
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    tokens = dataset.tokens()
    reject = dataset.rejectProb()
    assert reject[tokens["w0"]] > 0.9 and reject[tokens["rare7"]] < reject[tokens["w0"]]
    flat, _, _ = dataset.allSentences()
    kept = np.bincount(flat, minlength=len(tokens)) / 30
    total = np.bincount([tokens[w] for s in corpus for w in s], minlength=len(tokens))
    frequent_kept = kept[tokens["w0"]] / total[tokens["w0"]]
    rare = [tokens["rare%d" % i] for i in range(len(corpus))]
    assert frequent_kept < 0.1 and kept[rare].sum() / total[rare].sum() > 3 * frequent_kept


def test_real_treebank(treebank, sst_path):
    random.seed(314)
    dataset = treebank.StanfordSentiment(path=str(sst_path))
    assert len(dataset.tokens()) == 19539  # CS224N's SST vocabulary, UNK included
    assert dataset.numSentences() == 11855
    center, context = dataset.getRandomContext(5)
    assert isinstance(center, str) and 1 <= len(context) <= 10
