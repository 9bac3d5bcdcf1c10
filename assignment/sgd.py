#!/usr/bin/env python
"""Stochastic gradient descent, with saving and resuming of its state.

Fill in the `### YOUR CODE HERE` region in sgd(), then run `python sgd.py`.
"""

import glob
import json
import os.path as op
import pickle
import random
import sys
import time

import numpy as np

# Save parameters every this many iterations (when useSaved is True).
SAVE_PARAMS_EVERY = 5000
# Halve the step size every this many iterations.
ANNEAL_EVERY = 20000
# Folder where saved_params_*.npy, saved_state_*.pickle and saved_meta_*.json are written and read.
SAVE_DIR = "."
# What produced the saves (set by run.py: a fingerprint of the code, corpus and settings);
# written next to every save so that a resume from something else can be refused.
FINGERPRINT = None
# Progress lines when stdout is not a terminal (a log, a notebook): about this many per run.
PROGRESS_LINES = 40
# Filled by sgd(): the first and last iteration it ran and the smoothed loss it reached.
LAST_RUN = {}


def load_saved_params():
    """Return (iteration, params, random state) of the latest save, or (0, None, None)."""
    st = latest_saved_iteration()
    if st == 0:
        return 0, None, None
    params = np.load(op.join(SAVE_DIR, "saved_params_%d.npy" % st), allow_pickle=False)
    stateFile = op.join(SAVE_DIR, "saved_state_%d.pickle" % st)
    if not op.isfile(stateFile):
        print("warning: %s is missing: resuming without the saved random state" % stateFile)
        return st, params, None
    with open(stateFile, "rb") as f:
        state = pickle.load(f)
    return st, params, state


def latest_saved_iteration():
    """The iteration of the latest saved_params_*.npy in SAVE_DIR, or 0."""
    st = 0
    for f in glob.glob(op.join(SAVE_DIR, "saved_params_*.npy")):
        name = op.splitext(op.basename(f))[0]
        try:
            it = int(name.split("_")[2])
        except (IndexError, ValueError):
            continue
        st = max(st, it)
    return st


def load_saved_meta(iteration):
    """What the save of an iteration records (fingerprint, smoothed loss), or None."""
    try:
        with open(op.join(SAVE_DIR, "saved_meta_%d.json" % iteration), encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def save_params(iteration, params, loss=None):
    """Save the parameters and the state of `random`, so that a run can resume exactly."""
    np.save(op.join(SAVE_DIR, "saved_params_%d.npy" % iteration), params)
    with open(op.join(SAVE_DIR, "saved_state_%d.pickle" % iteration), "wb") as f:
        pickle.dump(random.getstate(), f)
    with open(op.join(SAVE_DIR, "saved_meta_%d.json" % iteration), "w", encoding="utf-8") as f:
        json.dump({"iteration": iteration, "loss": loss, "fingerprint": FINGERPRINT}, f,
                  indent=1, sort_keys=True)


def _formatSeconds(seconds):
    seconds = int(round(seconds))
    return "%d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


def sgd(f, x0, step, iterations, postprocessing=None, useSaved=False,
        PRINT_EVERY=10):
    """Stochastic gradient descent.

    Arguments:
    f -- the function to optimize: takes one argument (an array shaped like x0,
         or a float) and returns (loss: float, gradient shaped like x)
    x0 -- the initial point: a float or a numpy array of any shape
    step -- float: the step size of SGD
    iterations -- int: the total number of iterations to run
    postprocessing -- a function applied to x after every update (for example
                      normalizing the word vectors); None means none
    useSaved -- bool: resume from the latest saved_params_*.npy, and save every
                SAVE_PARAMS_EVERY iterations
    PRINT_EVERY -- int: print progress every this many iterations

    Return:
    x -- the parameter value after SGD finishes (same shape as x0)
    """
    exploss = None
    if useSaved:
        start_iter, oldx, state = load_saved_params()
        if start_iter > 0:
            x0 = oldx
            step *= 0.5 ** (start_iter // ANNEAL_EVERY)
            exploss = (load_saved_meta(start_iter) or {}).get("loss")
            print("Resuming from iteration %d" % start_iter)
        if state:
            random.setstate(state)
    else:
        start_iter = 0

    x = x0

    if not postprocessing:
        def postprocessing(x):
            return x

    startTime = time.perf_counter()
    # Off a terminal, a line every few percent of the run; on one, a line updated in place.
    onTerminal = sys.stdout.isatty()
    lineEvery = PRINT_EVERY * max(1, (iterations - start_iter) // (PRINT_EVERY * PROGRESS_LINES))
    LAST_RUN.clear()
    LAST_RUN.update(first=start_iter + 1, last=start_iter, loss=exploss)

    for iteration in range(start_iter + 1, iterations + 1):
        # You might want to print the progress every few iterations.

        loss = None
        ### YOUR CODE HERE (~2 lines)
        raise NotImplementedError("sgd: fill in the ### YOUR CODE HERE region of sgd in sgd.py")
        ### END YOUR CODE

        x = postprocessing(x)
        if iteration % PRINT_EVERY == 0:
            if exploss is None:
                exploss = loss
                LAST_RUN.update(startLoss=loss)
            else:
                exploss = .95 * exploss + .05 * loss
            LAST_RUN.update(loss=exploss)
            if onTerminal or iteration % lineEvery == 0 or iteration == iterations:
                done = iteration - start_iter
                rate = done / max(time.perf_counter() - startTime, 1e-9)
                # On a terminal, one line updates in place, kept every 100 prints.
                inPlace = onTerminal and iteration % (100 * PRINT_EVERY) != 0 \
                    and iteration != iterations
                print("iter %d/%d: loss %f | %.1f it/s | %s left" % (
                    iteration, iterations, exploss, rate,
                    _formatSeconds((iterations - iteration) / rate)),
                    end="\r" if inPlace else "\n", flush=True)
        LAST_RUN.update(last=iteration)

        if iteration % SAVE_PARAMS_EVERY == 0 and useSaved:
            save_params(iteration, x, exploss)

        if iteration % ANNEAL_EVERY == 0:
            step *= 0.5

    return x


def sanity_check():
    """Run SGD on x**2 from three starting points; each must reach 0."""
    def quad(x):
        return np.sum(x ** 2), x * 2

    print("Running sanity checks...")
    ok = True
    for number, start in enumerate([0.5, 0.0, -1.5], 1):
        result = sgd(quad, start, 0.01, 1000, PRINT_EVERY=100)
        print("test %d result: %s" % (number, result))
        if result is None or not abs(result) <= 1e-6:
            print("FAILED test %d: sgd(quad, %s, 0.01, 1000) returned %s, expected |x| <= 1e-6."
                  % (number, start, result))
            if result is not None and abs(result) >= abs(start) > 0:
                print("  hint: x moved away from 0 (or not at all): step against the gradient, "
                      "x = x - step * grad.")
            ok = False
    print("-" * 40)
    print("ALL TESTS PASSED" if ok else "SOME TESTS FAILED")
    print("-" * 40)
    return ok


if __name__ == "__main__":
    try:
        sys.exit(0 if sanity_check() else 1)
    except NotImplementedError as error:
        print("\nNOT IMPLEMENTED: %s" % error)
        sys.exit(1)
