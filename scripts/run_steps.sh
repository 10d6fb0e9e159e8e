#!/usr/bin/env bash
# Run `make STEP` for each step given, stop at the first failure, and print how long each took.
# Used by `make test`; the steps come from TEST_STEPS in the Makefile.
#
# A step written `STEP&` runs in the background while the next steps run (its output goes to a log file and is
# printed when it ends); `STEP1+STEP2+...&` runs those steps one after another in the background (a chain: each is
# timed and recorded on its own, and the chain stops at its first failure). The pseudo-step `wait` waits for every
# background step or chain started so far, `wait:STEP` (or `wait:STEP1+STEP2+...`) for that one only. The summary
# gives each step's wall time and the CPU time (user + system) of the processes it ran, so that the steps that keep the 2 cores busy can be told from those that wait. Background steps
# that are still running at the end are waited for; after a failure they are stopped. A background step counts like
# any other: its time and result are in the summary, and its failure fails the run.
# A step or chain written `nice:STEP` (`nice:STEP&`, `nice:A+B&`) runs at a lower CPU priority (`nice -n
# RUN_STEPS_NICENESS`, default 10): the steps left at the normal priority get the CPU first when both cores are
# busy (`wait:STEP` names it without the prefix).
# Usage: scripts/run_steps.sh [nice:]STEP[&]... [wait] ...
set -uo pipefail
# job control: every background step gets its own process group, so that it can be stopped with its children
set -m

MAKE_CMD=${MAKE:-make}
NICENESS=${RUN_STEPS_NICENESS:-10}
nice_cmd=()   # set per step: (nice -n NICENESS) for a step written nice:STEP
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/run-steps.XXXXXX")
results=()
overall=0
passed=0
failed=0
start_all=$(date +%s)
bg_steps=()
declare -A bg_pid

cpu_of() {  # cpu_of STEP: the CPU seconds its processes used, from the `times` line written when it ended
    # `times` prints the shell's own times, then its children's: "0m12.340s 0m1.230s"
    awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, t, "m"); sub("s", "", t[2]); n += t[1] * 60 + t[2] }
         printf "%d", n + 0.5; found = 1 } END { if (!found) printf "-" }' "${LOG_DIR}/${1}.times" 2>/dev/null || printf -- '-'
}

record() {  # record STEP SECONDS RC [NOTE]
    local step=$1 took=$2 rc=$3 note=${4:-} cpu
    cpu=$(cpu_of "${step}")
    if [ "${rc}" -eq 0 ]; then
        results+=("$(printf '  %-22s %6ss  cpu %5ss  ok%s' "${step}" "${took}" "${cpu}" "${note}")")
        passed=$(( passed + 1 ))
    else
        results+=("$(printf '  %-22s %6ss  cpu %5ss  FAILED (exit %s)%s' "${step}" "${took}" "${cpu}" "${rc}" "${note}")")
        echo "make test: step '${step}' failed with exit code ${rc}; stopping" >&2
        failed=$(( failed + 1 ))
        [ "${overall}" -ne 0 ] || overall=${rc}
    fi
}

record_ended() {  # record_ended STEP [NOTE]: record a step that run_chain ran, from the files it wrote
    local step=$1
    record "${step}" "$(( $(cat "${LOG_DIR}/${step}.end") - $(cat "${LOG_DIR}/${step}.start") ))" \
        "$(cat "${LOG_DIR}/${step}.rc")" "${2:-}"
}

run_chain() {  # run_chain STEP...: the steps one after another, until one fails; start, end, CPU and exit code of each
    local sub rc
    for sub in "$@"; do
        date +%s > "${LOG_DIR}/${sub}.start"
        [ "$#" -eq 1 ] || echo "==================== make ${sub} ===================="
        # in a subshell, so that `times` counts this step's processes only
        ( "${nice_cmd[@]}" "${MAKE_CMD}" --no-print-directory "${sub}"; rc=$?; times > "${LOG_DIR}/${sub}.times"; exit "${rc}" )
        rc=$?
        date +%s > "${LOG_DIR}/${sub}.end"
        echo "${rc}" > "${LOG_DIR}/${sub}.rc"
        [ "${rc}" -eq 0 ] || return "${rc}"
    done
}

wait_background() {  # wait_background [CHAIN]: wait for that background chain (default: every one), print its output,
    # record each of its steps
    local chain sub left=()
    for chain in "${bg_steps[@]}"; do
        if [ -n "${1:-}" ] && [ "${chain}" != "$1" ]; then
            left+=("${chain}")
            continue
        fi
        wait "${bg_pid[${chain}]}"
        echo
        echo "==================== make ${chain//+/, } (ran in the background; its output) ===================="
        cat "${LOG_DIR}/${chain}.log"
        for sub in ${chain//+/ }; do
            if [ -f "${LOG_DIR}/${sub}.rc" ]; then
                record_ended "${sub}" " (background)"
            else
                results+=("$(printf '  %-22s %6s   %s' "${sub}" "-" "not run (an earlier step of its chain failed)")")
            fi
        done
    done
    bg_steps=("${left[@]}")
}

stop_background() {
    local step
    for step in "${bg_steps[@]}"; do
        kill -TERM -- "-${bg_pid[${step}]}" 2>/dev/null
    done
}
trap 'stop_background; rm -rf "${LOG_DIR}"' EXIT

for step in "$@"; do
    nice_cmd=()
    if [ "${step#nice:}" != "${step}" ]; then
        step=${step#nice:}
        nice_cmd=(nice -n "${NICENESS}")
    fi
    if [ "${overall}" -ne 0 ]; then
        if [ "${step%%:*}" != wait ]; then
            step=${step%&}
            for sub in ${step//+/ }; do results+=("$(printf '  %-22s %6s   %s' "${sub}" "-" "not run")"); done
        fi
        continue
    fi
    if [ "${step}" = wait ]; then
        wait_background
        continue
    fi
    if [ "${step#wait:}" != "${step}" ]; then
        if [ -z "${bg_pid[${step#wait:}]:-}" ]; then
            echo "make test: '${step}' names no background step started before it" >&2
            record "${step}" 0 2
            continue
        fi
        wait_background "${step#wait:}"
        continue
    fi
    if [ "${step%&}" != "${step}" ]; then
        step=${step%&}
        echo
        echo "==================== make ${step//+/, } (in the background${nice_cmd[*]:+, ${nice_cmd[*]}}; output when it ends) ===================="
        # each step's end time is written when it ends, so that its time is its own, not the wait's
        # shellcheck disable=SC2086  # the chain's steps, split at +
        run_chain ${step//+/ } > "${LOG_DIR}/${step}.log" 2>&1 < /dev/null &
        bg_pid[${step}]=$!
        bg_steps+=("${step}")
        continue
    fi
    echo
    echo "==================== make ${step}${nice_cmd[*]:+ (${nice_cmd[*]})} ===================="
    run_chain "${step}"
    record_ended "${step}"
done
if [ "${overall}" -ne 0 ]; then
    for step in "${bg_steps[@]}"; do
        for sub in ${step//+/ }; do
            results+=("$(printf '  %-22s %6s   %s' "${sub}" "-" "stopped (an earlier step failed)")")
        done
    done
    stop_background
    bg_steps=()
fi
wait_background

echo
echo "==================== make test: timing summary ===================="
printf '%s\n' "${results[@]}"
times > "${LOG_DIR}/total.times"
printf '  %-22s %6ss  cpu %5ss\n' "total" "$(( $(date +%s) - start_all ))" "$(cpu_of total)"
echo "==================================================================="
# The plain closing line: how many steps passed and failed.
echo "steps: ${passed} passed, ${failed} failed"
exit "${overall}"
