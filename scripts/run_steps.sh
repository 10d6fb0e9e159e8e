#!/usr/bin/env bash
# Run `make STEP` for each step given, stop at the first failure, and print how long each took.
# Used by `make test`; the steps come from TEST_STEPS in the Makefile.
# Usage: scripts/run_steps.sh STEP...
set -uo pipefail

MAKE_CMD=${MAKE:-make}
results=()
overall=0
passed=0
failed=0
start_all=$(date +%s)

for step in "$@"; do
    if [ "${overall}" -ne 0 ]; then
        results+=("$(printf '  %-22s %6s   %s' "${step}" "-" "not run")")
        continue
    fi
    echo
    echo "==================== make ${step} ===================="
    start=$(date +%s)
    ${MAKE_CMD} --no-print-directory "${step}"
    rc=$?
    took=$(( $(date +%s) - start ))
    if [ "${rc}" -eq 0 ]; then
        results+=("$(printf '  %-22s %6ss  %s' "${step}" "${took}" "ok")")
        passed=$(( passed + 1 ))
    else
        results+=("$(printf '  %-22s %6ss  %s' "${step}" "${took}" "FAILED (exit ${rc})")")
        echo "make test: step '${step}' failed with exit code ${rc}; stopping" >&2
        failed=$(( failed + 1 ))
        overall=${rc}
    fi
done

echo
echo "==================== make test: timing summary ===================="
printf '%s\n' "${results[@]}"
printf '  %-22s %6ss\n' "total" "$(( $(date +%s) - start_all ))"
echo "==================================================================="
# The plain closing line: how many steps passed and failed.
echo "steps: ${passed} passed, ${failed} failed"
exit "${overall}"
