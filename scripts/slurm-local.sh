#!/usr/bin/env bash
# slurm-local.sh: a throwaway single-node Slurm cluster from Debian 12 packages,
# and pointsim's test of a sharded sweep on it. Needs root and apt-get; needs no
# systemd, no cgroups, no slurmdbd and no DNS entry for the hostname.
#
#   scripts/slurm-local.sh up           install slurmctld slurmd slurm-client munge
#                                       if missing, write slurm.conf, start munged,
#                                       slurmctld and slurmd, wait until the node is idle
#   scripts/slurm-local.sh wait ID...   wait (bounded) for the jobs to leave the queue;
#                                       fail unless every job and array task is COMPLETED
#   scripts/slurm-local.sh down         cancel leftover jobs, stop the daemons 'up'
#                                       started, by recorded PID
#   scripts/slurm-local.sh smoke        up, a trivial 2-task array + afterok job, down
#   scripts/slurm-local.sh sweep-test   up, run examples/slurm/plan.toml unsharded,
#                                       then as the emitted job array of 4 shards plus
#                                       the dependent merge job, compare the merged
#                                       files byte for byte, down
#   scripts/slurm-local.sh calibrate-test
#                                       up, run examples/slurm/calibration.toml
#                                       whole, then as the emitted chain of one job
#                                       array of 2 shards per wave plus the finishing
#                                       job (and once with failing shards, which must
#                                       cancel every later job), compare the results
#                                       byte for byte, down
#   scripts/slurm-local.sh test         sweep-test and calibrate-test on one cluster
#
# Environment (all optional):
#   SLURM_LOCAL_STATE    PID files, daemon logs, test work   [/tmp/pointsim-slurm]
#   SLURM_LOCAL_TIMEOUT  seconds to wait for each daemon     [60]
#   SLURM_JOB_TIMEOUT    seconds 'wait' waits for jobs       [600]
#   POINTSIM             the pointsim binary for sweep-test  [target/release/pointsim,
#                                                             built if missing]
#
# How it works without systemd and cgroups, and what was measured: docs/slurm.md.
set -euo pipefail

STATE=${SLURM_LOCAL_STATE:-/tmp/pointsim-slurm}
START_TIMEOUT=${SLURM_LOCAL_TIMEOUT:-60}
JOB_TIMEOUT=${SLURM_JOB_TIMEOUT:-600}
CONF=/etc/slurm/slurm.conf
MARK="# written by pointsim scripts/slurm-local.sh"
PKGS=(slurmctld slurmd slurm-client munge)
ROOT=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '[slurm-local %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: run COMMAND every 0.5 s until it succeeds.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { log "timed out after ${limit}s waiting for $what"; return 1; }
        sleep 0.5
    done
}

# alive NAME: the PID recorded for NAME still runs that program (not a reused PID).
alive() {
    local f="$STATE/$1.pid" pid
    [[ -s $f ]] || return 1
    pid=$(<"$f")
    [[ -r /proc/$pid/comm && $(<"/proc/$pid/comm") == "$1" ]]
}

need_root() {
    [[ $(id -u) == 0 ]] || die "must run as root (it installs packages and starts daemons)"
    command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian or Ubuntu"
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v sbatch >/dev/null && command -v munged >/dev/null; then
        return 0
    fi
    # The packages' maintainer scripts must not start the daemons (we start
    # them ourselves, without systemd): a policy-rc.d that says no, for the
    # length of apt-get only, unless the machine already has one.
    local own_policy=0 rc=0 t0=$SECONDS
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # a fresh machine may have no package lists: update only when install fails
    apt-get install -y -q --no-install-recommends "${PKGS[@]}" >"$STATE/apt.log" 2>&1 || {
        log "apt-get install failed; running apt-get update and trying again"
        apt-get update -q >>"$STATE/apt.log" 2>&1 &&
            apt-get install -y -q --no-install-recommends "${PKGS[@]}" >>"$STATE/apt.log" 2>&1
    } || rc=$?
    ((own_policy)) && rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || { tail -n 20 "$STATE/apt.log" >&2; die "apt-get install ${PKGS[*]} failed"; }
    log "installed ${PKGS[*]} in $((SECONDS - t0))s"
}

start_munged() {
    alive munged && return 0
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        log "using a munged that this script did not start"
        return 0
    fi
    # the Debian postinst creates the key; make one if it is missing
    if [[ ! -s /etc/munge/munge.key ]]; then
        mkdir -p /etc/munge
        if command -v mungekey >/dev/null; then
            mungekey --create --keyfile=/etc/munge/munge.key
        else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
        fi
    fi
    chown munge:munge /etc/munge /etc/munge/munge.key
    chmod 0700 /etc/munge
    chmod 0400 /etc/munge/munge.key
    # systemd would create /run/munge (RuntimeDirectory); without it, we do
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
    # setpriv execs, so $! is munged's own PID; --origin avoids a hostname lookup
    setpriv --reuid=munge --regid=munge --init-groups -- \
        /usr/sbin/munged --foreground --origin=127.0.0.1 </dev/null >"$STATE/munged.out" 2>&1 &
    echo $! >"$STATE/munged.pid"
    wait_for "$START_TIMEOUT" munged sh -c 'munge -n | unmunge' ||
        { cat "$STATE/munged.out" >&2; die "munged did not start"; }
}

write_conf() {
    if [[ -e $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
        die "$CONF exists and was not written by this script; move it away first"
    fi
    local node hw topo cpus mem
    node=$(hostname)
    node=${node%%.*} # cut at the first dot: no name lookup
    node=${node:-localnode}
    # Copy the topology slurmd sees, so the node is not drained for a mismatch,
    # and announce 90% of the memory.
    hw=$(slurmd -C | head -n 1)
    field() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<"$hw"; }
    cpus=$(field CPUs)
    cpus=${cpus:-$(nproc)}
    mem=$(field RealMemory)
    mem=$((${mem:-$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)} * 9 / 10))
    topo="CPUs=$cpus"
    local b s c t
    b=$(field Boards) s=$(field SocketsPerBoard) c=$(field CoresPerSocket) t=$(field ThreadsPerCore)
    [[ -n $b && -n $s && -n $c && -n $t ]] &&
        topo+=" Boards=$b SocketsPerBoard=$s CoresPerSocket=$c ThreadsPerCore=$t"
    mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
    cat >"$CONF" <<EOF
$MARK: one node, no cgroups, no accounting
ClusterName=pointsim
# name(address): the hostname need not resolve
SlurmctldHost=${node}(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# no cgroups: /proc process tracking, no CPU binding (pointsim sizes its thread
# pool from SLURM_CPUS_PER_TASK instead)
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# no slurmdbd, so no sacct: finished jobs stay in 'scontrol show job' for an hour
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
MinJobAge=3600
SchedulerType=sched/backfill
# start the next array task about 1 s after one ends instead of 3 s (measured)
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdParameters=config_overrides
# an afterok job whose dependency failed is cancelled, not left pending forever
DependencyParameters=kill_invalid_depend
NodeName=${node} NodeAddr=127.0.0.1 ${topo} RealMemory=${mem} State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    echo "$node" >"$STATE/nodename"
}

node_idle() { [[ $(sinfo -h -N -o '%T' 2>/dev/null) == idle ]]; }

do_up() {
    need_root
    mkdir -p "$STATE"
    if alive slurmctld && alive slurmd && node_idle; then return 0; fi
    local t0=$SECONDS
    install_packages
    start_munged
    if ! alive slurmctld || ! alive slurmd; then write_conf; fi
    local node
    node=$(<"$STATE/nodename")
    if ! alive slurmctld; then
        # -D: foreground, so $! is the daemon; -c: start with an empty queue
        /usr/sbin/slurmctld -D -c </dev/null >"$STATE/slurmctld.out" 2>&1 &
        echo $! >"$STATE/slurmctld.pid"
    fi
    wait_for "$START_TIMEOUT" "slurmctld to answer" scontrol ping ||
        { tail -n 30 "$STATE/slurmctld.out" /var/log/slurm/slurmctld.log >&2 || true; die "slurmctld did not start"; }
    if ! alive slurmd; then
        # -N: the node name is given, not looked up
        /usr/sbin/slurmd -D -N "$node" </dev/null >"$STATE/slurmd.out" 2>&1 &
        echo $! >"$STATE/slurmd.pid"
    fi
    wait_for "$START_TIMEOUT" "node $node to be idle" node_idle || {
        sinfo -N >&2 || true
        tail -n 30 "$STATE/slurmctld.out" "$STATE/slurmd.out" >&2 || true
        die "node $node did not become idle"
    }
    log "cluster up in $((SECONDS - t0))s (munged, slurmctld pid $(<"$STATE/slurmctld.pid"), slurmd pid $(<"$STATE/slurmd.pid"))"
}

# job_states ID: one state per job or array task, e.g. COMPLETED
job_states() { scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }

# do_wait ID...: wait (bounded) until none of the jobs is pending or running,
# then require COMPLETED for every job and every array task. Judges by job
# state, never by an exit code ('sbatch --wait' says 0 for a cancelled job).
# Returns 1 when a job ended otherwise, 2 when they did not end in time.
do_wait() {
    local ids
    ids=$(IFS=,; echo "$*")
    queue_empty() { [[ -z $(squeue -h -j "$ids" 2>/dev/null) ]]; }
    wait_for "$JOB_TIMEOUT" "jobs $ids to finish" queue_empty || { squeue >&2 || true; return 2; }
    local id st states bad=0
    for id in "$@"; do
        states=$(job_states "$id" 2>/dev/null) || true
        [[ -n $states ]] || { log "job $id: unknown to slurmctld"; bad=1; continue; }
        for st in $states; do
            [[ $st == COMPLETED ]] || { log "job $id: $st"; bad=1; }
        done
    done
    return "$bad"
}

stop_one() {
    local name=$1 pid
    alive "$name" || { rm -f "$STATE/$name.pid"; return 0; }
    pid=$(<"$STATE/$name.pid")
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for 30 "$name (pid $pid) to exit" sh -c "! kill -0 $pid"; then
        log "$name ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/$name.pid"
}

do_down() {
    if alive slurmctld; then
        local left=()
        mapfile -t left < <(squeue -h -o %A 2>/dev/null | sort -u)
        if ((${#left[@]})); then
            log "cancelling leftover jobs: ${left[*]}"
            scancel "${left[@]}" || true
            # let slurmstepd finish the kill, so no job outlives slurmd
            wait_for 60 "leftover jobs to end" sh -c '[ -z "$(squeue -h)" ]' || true
        fi
    fi
    stop_one slurmd
    stop_one slurmctld
    stop_one munged
    log "down"
}

# smoke: the cluster runs a job array and an afterok job (no pointsim needed).
do_smoke() {
    trap do_down EXIT
    do_up
    local dir="$STATE/smoke" arr dep t0=$SECONDS
    rm -rf "$dir"
    mkdir -p "$dir"
    # shellcheck disable=SC2016 # $SLURM_ARRAY_TASK_ID expands in the job
    arr=$(sbatch --parsable --job-name=smoke --array=0-1 --chdir="$dir" -o "$dir/task-%a.log" \
        --wrap 'echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT" > "out-$SLURM_ARRAY_TASK_ID"')
    dep=$(sbatch --parsable --job-name=smoke-after --dependency="afterok:$arr" --chdir="$dir" \
        -o "$dir/after.log" --wrap 'cat out-0 out-1 > both')
    do_wait "$arr" "$dep" || die "smoke jobs did not complete (logs in $dir)"
    [[ $(cat "$dir/both") == $'task 0 of 2\ntask 1 of 2' ]] || die "unexpected output: $(cat "$dir/both")"
    log "smoke test passed: a 2-task array and an afterok job in $((SECONDS - t0))s"
}

# show_logs DIR: print every job log in DIR (after a failure).
show_logs() {
    local f
    for f in "$1"/*.log; do
        [[ -e $f ]] || continue
        printf '\n----- %s\n' "$f" >&2
        cat "$f" >&2
    done
}

# sweep-test: examples/slurm/plan.toml run unsharded, then through the
# committed job scripts in examples/slurm/ (4 shards + afterok merge) on the
# real cluster; the merged files must equal the unsharded ones byte for byte.
# the pointsim binary: $POINTSIM, else target/release/pointsim (built if cargo is there)
find_pointsim() {
    local pointsim=${POINTSIM:-}
    if [[ -z $pointsim ]]; then
        if command -v cargo >/dev/null; then
            cargo build --release --quiet || die "cargo build --release failed"
        fi
        pointsim=$ROOT/target/release/pointsim
    fi
    [[ -x $pointsim ]] || die "no pointsim binary at $pointsim (run cargo build --release, or set POINTSIM)"
    [[ $pointsim == /* ]] || pointsim=$PWD/$pointsim
    echo "$pointsim"
}

# run_tests NAME...: the named tests (sweep_test, calibrate_test) on one
# cluster, brought up once and stopped afterwards, on failure too.
run_tests() {
    need_root
    cd "$ROOT"
    local pointsim t
    pointsim=$(find_pointsim)
    trap do_down EXIT
    for t in "$@"; do "$t" "$pointsim"; done
    do_down
    trap - EXIT
}

# sweep_test POINTSIM: examples/slurm/plan.toml run unsharded, then through the
# committed job scripts in examples/slurm/ (4 shards + afterok merge) on the
# real cluster; the merged files must equal the unsharded ones byte for byte.
sweep_test() {
    local t0=$SECONDS pointsim=$1
    local plan=examples/slurm/plan.toml out=target/slurm-example whole=target/slurm-whole
    local files=(runs.csv cells.csv runs.parquet cells.parquet)
    rm -rf "$out" "$whole"

    # the reference: the same plan, unsharded, on this machine
    "$pointsim" sweep "$plan" --out "$whole" --quiet || die "unsharded sweep of $plan failed"
    log "unsharded sweep of $plan: $((SECONDS - t0))s"

    # the committed job scripts are what --emit-slurm writes now
    "$pointsim" sweep "$plan" --out "$out" --emit-slurm 4 >/dev/null || die "--emit-slurm failed"
    local f
    for f in sweep.slurm merge.slurm submit.sh; do
        cmp "$out/$f" "examples/slurm/$f" || {
            diff -u "examples/slurm/$f" "$out/$f" >&2 || true
            die "examples/slurm/$f differs from what --emit-slurm writes (UPDATE_EXAMPLES=1 cargo test --test main slurm_example::)"
        }
    done

    do_up
    local ids arr mrg t1=$SECONDS

    # a failing shard: the merge must be cancelled, not left pending
    ids=$(POINTSIM=/bin/false examples/slurm/submit.sh) || die "submit.sh failed"
    read -r arr mrg <<<"$ids"
    local rc=0
    do_wait "$arr" "$mrg" 2>/dev/null || rc=$?
    ((rc != 0)) || die "jobs $arr/$mrg completed with failing shards"
    ((rc != 2)) || die "jobs $arr/$mrg did not end within ${JOB_TIMEOUT}s (SLURM_JOB_TIMEOUT)"
    [[ $(job_states "$mrg") == CANCELLED ]] || die "merge job $mrg after failed shards: $(job_states "$mrg") (expected CANCELLED)"
    [[ ! -e $out/merged ]] || die "the merge ran although the shards failed"
    log "failing shards cancel the merge: OK in $((SECONDS - t1))s"
    rm -rf "$out/logs"

    # the real thing
    t1=$SECONDS
    ids=$(POINTSIM=$pointsim examples/slurm/submit.sh) || die "submit.sh failed"
    read -r arr mrg <<<"$ids"
    log "submitted job array $arr (4 shards) and merge job $mrg"
    if ! do_wait "$arr" "$mrg"; then
        scontrol -o show job "$arr" >&2 || true
        scontrol -o show job "$mrg" >&2 || true
        show_logs "$out/logs"
        die "the sharded sweep did not complete"
    fi
    log "4 shards + merge on Slurm: $((SECONDS - t1))s"
    local bad=0
    for f in "${files[@]}"; do
        cmp "$whole/$f" "$out/merged/$f" || bad=1
    done
    if ((bad)); then
        show_logs "$out/logs"
        die "merged results differ from the unsharded sweep"
    fi
    log "merged ${files[*]} are byte-identical to the unsharded sweep"
    log "sweep-test passed in $((SECONDS - t0))s"
}

# calibrate_test POINTSIM: examples/slurm/calibration.toml calibrated whole on
# this machine, then on the cluster through the job scripts --emit-slurm 2
# writes (a job array per wave, each after the one before, then the finish);
# the results must equal the whole run's byte for byte. First with failing
# shards: every later wave and the finish must be cancelled.
calibrate_test() {
    local t0=$SECONDS pointsim=$1
    local targets=examples/slurm/calibration.toml out=target/slurm-calibration whole=target/slurm-calibration-whole
    local files=(waves.csv waves.parquet calibration.json calibrated.toml)
    rm -rf "$out" "$whole"
    "$pointsim" calibrate --targets "$targets" --out "$whole" --quiet --no-plots || die "calibration of $targets failed"
    "$pointsim" calibrate --targets "$targets" --out "$out" --emit-slurm 2 --cpus-per-task 1 --no-plots >/dev/null ||
        die "calibrate --emit-slurm failed"
    do_up
    local ids id last t1=$SECONDS rc=0
    ids=$(POINTSIM=/bin/false "$out/submit.sh") || die "$out/submit.sh failed"
    read -r -a ids <<<"$ids"
    ((${#ids[@]} == 4)) || die "submit.sh printed ${#ids[@]} job ids, expected 3 waves + the finish"
    do_wait "${ids[@]}" 2>/dev/null || rc=$?
    ((rc == 1)) || die "jobs ${ids[*]} with failing shards: wait returned $rc (expected 1: not all COMPLETED)"
    for id in "${ids[@]:1}"; do
        [[ $(job_states "$id") == CANCELLED ]] || die "job $id after failed shards: $(job_states "$id") (expected CANCELLED)"
    done
    [[ ! -e $out/waves.csv ]] || die "the finish ran although the shards failed"
    log "failing shards of wave 1 cancel waves 2-3 and the finish: OK in $((SECONDS - t1))s"
    rm -rf "$out/logs"

    t1=$SECONDS
    ids=$(POINTSIM=$pointsim "$out/submit.sh") || die "$out/submit.sh failed"
    read -r -a ids <<<"$ids"
    log "submitted wave arrays ${ids[*]:0:3} and finishing job ${ids[3]}"
    if ! do_wait "${ids[@]}"; then
        for id in "${ids[@]}"; do scontrol -o show job "$id" >&2 || true; done
        show_logs "$out/logs"
        die "the sharded calibration did not complete"
    fi
    log "3 waves × 2 shards + finish on Slurm: $((SECONDS - t1))s"
    local f bad=0
    for f in "${files[@]}"; do
        cmp "$whole/$f" "$out/$f" || bad=1
    done
    for last in 0 1; do
        [[ -s $out/wave3/shard-$last/journal.jsonl ]] || { log "no journal in $out/wave3/shard-$last"; bad=1; }
    done
    if ((bad)); then
        show_logs "$out/logs"
        die "the sharded calibration's results differ from the whole one's"
    fi
    log "the sharded calibration's ${files[*]} are byte-identical to the whole run's"
    log "calibrate-test passed in $((SECONDS - t0))s"
}

case ${1:-} in
up) need_root; trap do_down EXIT; do_up; trap - EXIT ;; # a failed 'up' stops what it started
wait) shift; (($#)) || die "usage: $0 wait JOBID..."; do_wait "$@" ;;
down) do_down ;;
smoke) need_root; do_smoke ;;
sweep-test) run_tests sweep_test ;;
calibrate-test) run_tests calibrate_test ;;
test) run_tests sweep_test calibrate_test ;;
*) log "usage: $0 up | wait JOBID... | down | smoke | sweep-test | calibrate-test | test"; exit 2 ;;
esac
