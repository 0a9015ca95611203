#!/usr/bin/env bash
# Runs the timing-sensitive test modules (live panels, the static picture,
# tc.watch, the real-kernel tests) ROUNDS times in a row while two processes
# burn CPU alongside, and counts the failed rounds: a test that fails only
# under load is a race to find, not to retry. Not part of `make test`.
#
#   scripts/stress.sh [ROUNDS]     (default 20; needs `make install` first)
#   STRESS_MODULES="python/tests/test_live.py" scripts/stress.sh 5
set -uo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-20}
read -r -a MODULES <<<"${STRESS_MODULES:-python/tests/test_live.py \
  python/tests/test_static.py python/tests/test_watch.py python/tests/test_kernel.py}"
export KERAS_BACKEND=${KERAS_BACKEND:-torch}
LOG=$(mktemp -d)

burners=()
for _ in 1 2; do
  (while :; do :; done) &
  burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT

failed=0
start=$SECONDS
for round in $(seq 1 "$ROUNDS"); do
  if .venv/bin/python -m pytest -q -p no:cacheprovider "${MODULES[@]}" \
    >"$LOG/round$round.txt" 2>&1; then
    echo "round $round: $(tail -n 1 "$LOG/round$round.txt")"
  else
    failed=$((failed + 1))
    echo "round $round FAILED: $(tail -n 1 "$LOG/round$round.txt") (log: $LOG/round$round.txt)"
    grep -E '^(FAILED|ERROR) ' "$LOG/round$round.txt" | sed 's/^/  /'
  fi
done
echo "stress: $ROUNDS rounds, $failed failed, with 2 CPU burners, in $((SECONDS - start)) s"
[ "$failed" -eq 0 ]
