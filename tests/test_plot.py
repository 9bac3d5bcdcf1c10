"""The plot: the CS224N handout's 24 words, labels that never overlap, no path in titles."""

import numpy as np
import pytest

WORDS = ["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
         "enjoyable", "boring", "bad", "dumb", "annoying", "female", "male", "queen", "king",
         "man", "woman", "rain", "snow", "hail", "coffee", "tea"]


def _overlap(a, b, slack=0.5):
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] \
        and b[1] + slack < a[3]


def test_run_plots_the_cs224n_words(solutions_on_path):
    import run  # pylint: disable=import-outside-toplevel
    assert run.VISUALIZE_WORDS == WORDS


@pytest.mark.parametrize("seed, spread", [(0, 1.0), (1, 1.0), (2, 0.05), (3, 0.0)])
def test_labels_never_overlap_each_other(solutions_on_path, tmp_path, seed, spread):
    from utils.plotting import plotWordVectors  # pylint: disable=import-outside-toplevel
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((24, 10))
    vectors[:12] = vectors[0] + spread * rng.standard_normal((12, 10))  # a tight cluster
    boxes = plotWordVectors(WORDS, vectors, tmp_path / "plot.png", title="SST: 2,000 iterations")
    assert (tmp_path / "plot.png").stat().st_size > 1000 and len(boxes) == 24
    clashes = [(WORDS[i], WORDS[j]) for i in range(24) for j in range(i)
               if _overlap(boxes[i], boxes[j])]
    assert not clashes


def test_placement_avoids_points_and_labels():
    from tests.conftest import SOLUTIONS  # pylint: disable=import-outside-toplevel
    import importlib.util  # pylint: disable=import-outside-toplevel
    spec = importlib.util.spec_from_file_location("plotting", SOLUTIONS / "utils" / "plotting.py")
    plotting = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plotting)
    points = np.array([[100.0, 100.0]] * 5 + [[104.0, 100.0]])
    boxes = plotting.placeLabels(points, [(40, 12)] * 6, (0, 0, 400, 400))
    assert not any(_overlap(boxes[i], boxes[j], 0) for i in range(6) for j in range(i))
    assert not any(_overlap(b, (96, 96, 108, 104), 0) for b in boxes)
