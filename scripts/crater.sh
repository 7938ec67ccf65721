#!/usr/bin/env bash
# Crater: published crates with every async fn of src/ desugared; see scripts/crater.py and
# docs/CRATER.md. Needs the crates.io registry and, for the default list, about an hour.
#
#   scripts/crater.sh [crate@version[+feature,..] ...]
set -euo pipefail
exec python3 "$(dirname "$0")/crater.py" "$@"
