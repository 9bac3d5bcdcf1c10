"""A framework for auto-graded programming assignments on Gradescope.

Student code runs only in sandboxed child processes. The modules of
autograder/runtime/ (checklib) are shipped next to student code and imported
here under the same top-level names, so that the grader, the children and the
handout share one copy of each class.
"""

import sys
from pathlib import Path

_RUNTIME = str(Path(__file__).resolve().with_name("runtime"))
if _RUNTIME not in sys.path:
    sys.path.insert(0, _RUNTIME)
