#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the grading image (Ubuntu 22.04 by default).
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q python3 python3-pip
# System-wide, so that the unprivileged user the student's code runs as can use it, with
# every dependency pinned (constraints.txt). A Python marked externally managed (PEP 668:
# Ubuntu 24.04 and later) needs pip's --break-system-packages; an older pip (22.0.2 on
# Ubuntu 22.04) predates PEP 668, neither needs the option nor knows it.
options=(--no-cache-dir)
stdlib="$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"
if [ -f "$stdlib/EXTERNALLY-MANAGED" ]; then
    pip_help="$(python3 -m pip install --help)"
    if [[ "$pip_help" == *--break-system-packages* ]]; then
        options+=(--break-system-packages)
    fi
fi
python3 -m pip install "${options[@]}" -r requirements-autograder.txt -c constraints.txt
id nobody >/dev/null
