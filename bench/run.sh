#!/usr/bin/env bash
# Kept for existing scripts and docs: the benchmark's entry point is bench/run.
#   bench/run.sh [BUILD_DIR]   (same environment variables as bench/run)
exec "$(dirname "$0")/run" "$@"
