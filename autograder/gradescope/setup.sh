#!/usr/bin/env bash
# Gradescope runs this once, as root, on Ubuntu 22.04, to build the grading image.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q python3 python3-pip
# System-wide, so that the unprivileged user the student's code runs as can use it.
python3 -m pip install --no-cache-dir -r requirements-autograder.txt
id nobody >/dev/null
