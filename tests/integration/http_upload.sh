#!/usr/bin/env bash
# Streamed multipart uploads over real sockets: a 200 MB file goes to disk as
# it arrives while the server's memory stays small, an aborted upload leaves
# no temporary file, and form limits answer at once
# (tests/integration/http_upload_test.py).
set -eu
export MN_BUILD=${MN_BUILD:-build}
# A private temporary directory: the test watches the upload files in it.
TMPDIR=$(mktemp -d /tmp/mn-http-upload.XXXXXX)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
timeout 300 /usr/bin/python3 "$(dirname "$0")/http_upload_test.py"
