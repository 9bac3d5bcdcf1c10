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


def frequencies(corpus, tokens):
    """Counts per token index as CS224N defines them (UNK counted once)."""
    freq = np.zeros(len(tokens))
    for sentence in corpus:
        for word in sentence:
            freq[tokens[word]] += 1
    freq[tokens["UNK"]] = 1
    return freq


def cs224n_context(allsentences, C):
    """CS224N's getRandomContext, written out over allSentences() (recursion as a loop)."""
    while True:
        sent = allsentences[random.randint(0, len(allsentences) - 1)]
        wordID = random.randint(0, len(sent) - 1)
        context = sent[max(0, wordID - C):wordID] + sent[wordID + 1:wordID + C + 1]
        context = [w for w in context if w != sent[wordID]]
        if context:
            return sent[wordID], context


def total_variation(p, q):
    return 0.5 * np.abs(p - q).sum()


@pytest.fixture
def treebank(solutions_on_path):
    from utils import treebank as module
    return module


def test_vocabulary_in_order_of_first_appearance_with_unk_last(treebank):
    corpus = SENTENCES + zipf_corpus()
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    tokens = dataset.tokens()
    assert list(tokens)[:5] == ["the", "movie", "is", "great", "a"]
    assert tokens["UNK"] == len(tokens) - 1 == len({w for s in corpus for w in s})
    assert dataset.numSentences() == len(corpus) and dataset.sentences() == corpus


def test_reject_probability_follows_the_formula(treebank):
    corpus = zipf_corpus()
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    freq = frequencies(corpus, dataset.tokens())
    wordcount = sum(len(s) for s in corpus) + 1  # UNK counts once
    expected = np.maximum(0, 1 - np.sqrt(1e-5 * wordcount / freq))
    np.testing.assert_allclose(dataset.rejectProb(), expected)
    assert expected.max() > 0.99 and expected.min() > 0.5  # 24,000 words: even rare ones go
    order = np.argsort(freq)
    assert np.all(np.diff(dataset.rejectProb()[order]) >= 0)


def test_reads_the_file_like_cs224n(treebank, tmp_path):
    lines = ["%d\t%s" % (i + 2, " ".join(s)) for i, s in enumerate(zipf_corpus())]
    (tmp_path / "datasetSentences.txt").write_text(
        "sentence_index\tsentence\n1\tThe Rock is  destined .\n" + "\n".join(lines) + "\n",
        encoding="utf-8")
    dataset = treebank.StanfordSentiment(path=str(tmp_path))
    assert dataset.sentences()[0] == ["the", "rock", "is", "destined", "."]
    assert dataset.sentences()[1] == zipf_corpus()[0]
    assert dataset.numSentences() == 3001


def test_missing_folder_says_what_is_expected_and_how_to_get_it(treebank, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder") as error:
        treebank.StanfordSentiment(path=str(tmp_path / "nowhere"))
    assert "datasetSentences.txt" in str(error.value) and "make data" in str(error.value)
    with pytest.raises(FileNotFoundError, match=r"no datasetSentences.txt in .*get_dataset.py"):
        treebank.StanfordSentiment(path=str(tmp_path))


def test_bad_arguments_are_clear_errors(treebank):
    with pytest.raises(ValueError, match="tablesize"):
        treebank.StanfordSentiment.fromSentences(zipf_corpus(), tablesize=0)
    with pytest.raises(TypeError, match="not a string"):
        treebank.StanfordSentiment.fromSentences("the movie is great")
    with pytest.raises(TypeError, match="sentence 1 is not a list of str"):
        treebank.StanfordSentiment.fromSentences([["a", "b"], "c d"])
    dataset = treebank.StanfordSentiment.fromSentences(zipf_corpus())
    with pytest.raises(ValueError, match="non-negative int"):
        dataset.sampleTokenIndices(-1)
    assert dataset.sampleTokenIndices(0).shape == (0,)


def test_a_corpus_too_small_to_subsample_is_a_clear_error(treebank):
    with pytest.raises(ValueError, match="too small"):
        treebank.StanfordSentiment.fromSentences(SENTENCES)


def test_a_corpus_without_any_context_is_refused_rather_than_looping(treebank):
    # 120,000 words: a word seen 3 times is kept with probability 0.63
    repeated = [["w%d" % k] * 3 for k in range(40000)]
    random.seed(0)
    with pytest.raises(ValueError, match="two different words"):
        treebank.StanfordSentiment.fromSentences(repeated)
    pairs = [["a%d" % k, "b%d" % k] for k in range(20000)]
    dataset = treebank.StanfordSentiment.fromSentences(repeated + pairs)
    for _ in range(20):
        center, context = dataset.getRandomContext(5)
        assert len(context) == 1 and {center[0], context[0][0]} == {"a", "b"}


def test_all_sentences_are_the_subsampled_copies(treebank):
    corpus = zipf_corpus()
    random.seed(1)
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    allsentences = dataset.allSentences()
    flat, starts, ends = dataset.subsampledCorpus()
    assert len(allsentences) == len(starts) and sum(map(len, allsentences)) == len(flat)
    assert all(len(s) > 1 for s in allsentences)
    revtokens = list(dataset.tokens())
    assert allsentences[-1] == [revtokens[i] for i in flat[starts[-1]:ends[-1]]]
    assert len(corpus) < len(allsentences) < 30 * len(corpus)
    # each copy keeps a subsequence of every original sentence, in order
    position = 0
    for sentence in corpus[:50]:
        kept = allsentences[position]
        if all(w in sentence for w in kept):
            position += 1
    assert position > 10


def test_contexts_are_cs224n_contexts_over_all_sentences(treebank):
    dataset = treebank.StanfordSentiment.fromSentences(zipf_corpus())
    allsentences = dataset.allSentences()
    for C in (1, 2, 5):
        random.seed(C)
        ours = [dataset.getRandomContext(C) for _ in range(300)]
        random.seed(C)
        assert ours == [cs224n_context(allsentences, C) for _ in range(300)]
        assert all(c and center not in c and len(c) <= 2 * C for center, c in ours)


def test_sample_token_idx_is_a_uniform_entry_of_the_table(treebank):
    dataset = treebank.StanfordSentiment.fromSentences(zipf_corpus(), tablesize=5000)
    table = dataset.sampleTable()
    random.seed(9)
    ours = [dataset.sampleTokenIdx() for _ in range(100)]
    random.seed(9)
    assert ours == [int(table[random.randint(0, 4999)]) for _ in range(100)]
    assert all(isinstance(i, int) for i in ours)


def test_draws_are_deterministic_given_the_random_seed(treebank):
    def run(seed):
        random.seed(seed)
        dataset = treebank.StanfordSentiment.fromSentences(zipf_corpus())
        return ([dataset.getRandomContext(3) for _ in range(20)],
                dataset.sampleTokenIndices(50).tolist(), dataset.sampleTokenIdx())
    assert run(42) == run(42)
    assert run(42) != run(43)


def test_draws_resume_from_a_saved_random_state(treebank):
    dataset = treebank.StanfordSentiment.fromSentences(zipf_corpus())
    random.seed(5)
    dataset.sampleTokenIndices(10)
    state = random.getstate()
    first = (dataset.getRandomContext(5), dataset.sampleTokenIndices(20).tolist())
    random.setstate(state)
    assert (dataset.getRandomContext(5), dataset.sampleTokenIndices(20).tolist()) == first


def test_sampling_follows_unigram_to_the_three_quarters(treebank):
    corpus = zipf_corpus(vocabulary=300)
    dataset = treebank.StanfordSentiment.fromSentences(corpus, tablesize=100000)
    freq = frequencies(corpus, dataset.tokens())
    expected = freq ** 0.75 / np.sum(freq ** 0.75)
    table = dataset.sampleTable()
    assert table.shape == (100000,) and table.dtype == np.int64
    # each token holds its share of the table, to within one entry
    counts = np.bincount(table, minlength=len(freq))
    assert np.abs(counts - expected * 100000).max() <= 1 + 1e-6
    random.seed(7)
    samples = dataset.sampleTokenIndices(200000)
    assert samples.shape == (200000,) and samples.dtype == np.int64
    drawn = np.bincount(samples, minlength=len(freq)) / 200000
    # sampling noise here is about 0.012; plain unigram is far off
    assert total_variation(drawn, expected) < 0.03
    assert total_variation(drawn, freq / freq.sum()) > 0.06


def test_subsampling_drops_frequent_words_more_often(treebank):
    corpus = [s + ["rare%d" % i] for i, s in enumerate(zipf_corpus())]
    random.seed(3)
    dataset = treebank.StanfordSentiment.fromSentences(corpus)
    tokens = dataset.tokens()
    reject = dataset.rejectProb()
    assert reject[tokens["w0"]] > 0.99 and reject[tokens["rare7"]] < 0.5
    flat, _, _ = dataset.subsampledCorpus()
    kept = np.bincount(flat, minlength=len(tokens)) / 30
    total = frequencies(corpus, tokens)
    frequent_kept = kept[tokens["w0"]] / total[tokens["w0"]]
    # words also go with the sentences left with one word, never more often
    assert 0.3 * (1 - reject[tokens["w0"]]) < frequent_kept <= 1 - reject[tokens["w0"]] + 0.005
    rare = [tokens["rare%d" % i] for i in range(len(corpus))]
    rare_kept = kept[rare].sum() / total[rare].sum()
    assert 30 * frequent_kept < rare_kept <= 1 - reject[tokens["rare7"]] + 0.01


@pytest.fixture
def real(treebank, sst_path):
    random.seed(314)
    return treebank.StanfordSentiment(path=str(sst_path))


def test_real_treebank_vocabulary(real):
    tokens = real.tokens()
    assert len(tokens) == 19539  # CS224N's SST vocabulary, UNK included
    assert real.numSentences() == 11855
    assert list(tokens)[:4] == ["the", "rock", "is", "destined"]
    for word in ("great", "boring", "queen", "king", "coffee", "tea", "hail"):
        assert word in tokens
    center, context = real.getRandomContext(5)
    assert isinstance(center, str) and 1 <= len(context) <= 10


def test_real_treebank_is_deterministic(treebank, sst_path, real):
    random.seed(2)
    first = ([real.getRandomContext(5) for _ in range(50)], real.sampleTokenIndices(100).tolist())
    random.seed(314)
    again = treebank.StanfordSentiment(path=str(sst_path))
    assert np.array_equal(again.subsampledCorpus()[0], real.subsampledCorpus()[0])
    random.seed(2)
    assert first == ([again.getRandomContext(5) for _ in range(50)],
                     again.sampleTokenIndices(100).tolist())


def test_real_treebank_sampling_and_subsampling(real):
    tokens = real.tokens()
    freq = frequencies(real.sentences(), tokens)
    expected = freq ** 0.75 / np.sum(freq ** 0.75)
    counts = np.bincount(real.sampleTable(), minlength=len(freq))
    assert np.abs(counts - expected * 1000000).max() <= 1 + 1e-6
    random.seed(11)
    drawn = np.bincount(real.sampleTokenIndices(500000), minlength=len(freq)) / 500000
    # measured 0.062-0.064 over seeds (the noise of 19,539 cells); plain unigram is 0.30 away
    assert total_variation(drawn, expected) < 0.075
    assert total_variation(drawn, freq / freq.sum()) > 0.25
    kept = np.bincount(real.subsampledCorpus()[0], minlength=len(freq))
    reject = real.rejectProb()
    shares = []
    for low, high in [(1, 3), (3, 10), (10, 100), (100, 1000), (1000, np.inf)]:
        band = (freq >= low) & (freq < high)
        band[tokens["UNK"]] = False
        shares.append(kept[band].sum() / (30 * freq[band].sum()))
        keep = np.sum(freq[band] * (1 - reject[band])) / freq[band].sum()
        # measured 0.98, 0.66, 0.28, 0.086, 0.022 for keep = 1, 0.68, 0.29, 0.089, 0.022:
        # the rest goes with the sentences left with one word
        assert 0.9 * keep < shares[-1] <= keep + 0.002, (low, shares[-1], keep)
    assert shares == sorted(shares, reverse=True) and shares[-1] < 0.03
