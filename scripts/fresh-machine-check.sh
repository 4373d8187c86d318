#!/usr/bin/env bash
# Runs the README's commands on a fresh clone in a throw-away root that has none of what CI
# installs with apt: no PostgreSQL answering on 127.0.0.1:5432, no /usr/lib/postgresql, no
# postgres user, no /usr/bin/chromium nor /usr/lib/chromium, no libnss3/libnspr4, no tmux. It
# shows that the npm registry is all `npm test` needs, and how long it takes.
#
#   sudo bash scripts/fresh-machine-check.sh [REV]     (REV: what to clone, default HEAD)
#   KEEP=1 …                                           keeps the clone and its log
#
# 1. outside: git clone of REV into /var/tmp/esipay-fresh.XXXXXX, then the README's first command
#    (source scripts/use-node.sh && npm ci), which needs the registry;
# 2. inside `unshare --net --mount --pid --fork --mount-proc`: a network namespace with only a
#    loopback (nothing listens on 5432, and nothing from outside is reachable), an empty tmpfs on
#    /tmp, and empty files or directories bind-mounted over what the apt path installs; then
#    `npm test` with none of ESIPAY_TEST_PG_URL, PG_BIN, ESIPAY_TEST_CHROMIUM, ESIPAY_TEST_TERMINAL.
# Prints the wall time of each step and the test runner's counts. Needs root (namespaces, mounts).
set -euo pipefail
[ "$(id -u)" = 0 ] || {
  echo "fresh-machine-check: run as root (it makes namespaces and mounts)" >&2
  exit 1
}
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-HEAD}
work=$(mktemp -d /var/tmp/esipay-fresh.XXXXXX)
chmod 755 "$work"
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept: $work (log: $work/test.log)"; fi; }
trap cleanup EXIT

echo "== clone $rev of $repo into $work/esipay"
git clone -q --no-hardlinks "$repo" "$work/esipay"
git -C "$work/esipay" checkout -q --detach "$(git -C "$repo" rev-parse "$rev")"
git -C "$work/esipay" log -1 --format='   %h %s'

echo "== outside, with the registry: source scripts/use-node.sh && npm ci"
start=$(date +%s)
(cd "$work/esipay" && source scripts/use-node.sh >/dev/null && npm ci --no-audit --no-fund 2>&1 | tail -n 3)
echo "   npm ci: $(($(date +%s) - start)) s"

echo "== inside the throw-away root: npm test"
export WORK=$work
unshare --net --mount --pid --fork --mount-proc --propagation private bash -euo pipefail -c '
  ip link set lo up
  mount -t tmpfs -o mode=1777 tmpfs /tmp
  empty_dir=$(mktemp -d) empty_file=$(mktemp)
  hide() {
    local p
    for p in "$@"; do
      if [ -d "$p" ] && [ ! -L "$p" ]; then mount --bind "$empty_dir" "$p"; elif [ -f "$p" ]; then mount --bind "$empty_file" "$p"; fi
    done
  }
  hide /usr/lib/postgresql /usr/share/postgresql /usr/bin/chromium /usr/lib/chromium /usr/bin/tmux \
    /usr/lib/x86_64-linux-gnu/libnss3.so /usr/lib/x86_64-linux-gnu/libnspr4.so /usr/lib/x86_64-linux-gnu/libnssutil3.so
  # No postgres user: as root the servers then run as nobody, as on a machine without postgresql-15.
  for f in passwd group shadow; do
    [ -f /etc/$f ] || continue
    grep -v "^postgres:" /etc/$f >"$WORK/$f" || true
    chmod --reference=/etc/$f "$WORK/$f"
    mount --bind "$WORK/$f" /etc/$f
  done

  echo "   what is not there:"
  if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then echo "FATAL: something answers on 5432" >&2; exit 1; fi
  echo "     nothing answers on 127.0.0.1:5432"
  for b in /usr/lib/postgresql/15/bin/initdb /usr/bin/chromium /usr/lib/chromium/chromium /usr/bin/tmux; do
    if [ -x "$b" ]; then echo "FATAL: $b is still there" >&2; exit 1; fi
    echo "     no $b"
  done
  if tmux -V >/dev/null 2>&1; then echo "FATAL: tmux still runs" >&2; exit 1; fi
  if id postgres >/dev/null 2>&1; then echo "FATAL: the postgres user is still there" >&2; exit 1; fi
  echo "     tmux does not run, no postgres user, libnss3/libnspr4 hidden"

  cd "$WORK/esipay"
  unset ESIPAY_TEST_PG_URL PG_BIN PG_RUN_AS ESIPAY_TEST_CHROMIUM ESIPAY_TEST_TERMINAL
  export npm_config_update_notifier=false
  source scripts/use-node.sh >/dev/null
  start=$(date +%s)
  set +e
  npm test 2>&1 | tee "$WORK/test.log"
  status=${PIPESTATUS[0]}
  set -e
  echo "== npm test: exit $status, $(($(date +%s) - start)) s wall, load $(cut -d" " -f1-3 /proc/loadavg), $(nproc) cores"
  grep -E "^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) " "$WORK/test.log" || true
  exit "$status"
'
