#!/usr/bin/env bash
# The quick start on the embedded engine, end to end, in a throw-away ESIPAY_HOME:
# register a merchant, run a return-URL receiver, pay, refund partially, refund the rest, list.
# Everything it starts is stopped when it ends (however it ends), and its temporary home is
# removed; KEEP=1 keeps the home (and says where). An ESIPAY_HOME given to it is never removed.
# READY_TIMEOUT (seconds, default 10) bounds the wait for the receiver; PORT picks its port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
[ -f dist/src/cli/main.js ] || npm run build >/dev/null

own_home=
if [ -z "${ESIPAY_HOME:-}" ]; then
  ESIPAY_HOME=$(mktemp -d "${TMPDIR:-/tmp}/esipay-demo.XXXXXX")
  own_home=1
fi
export ESIPAY_HOME
listener=

cleanup() {
  local status=$?
  # The listener is node itself (started without a shell function in between), so this signal
  # reaches the process that holds the port, and `wait` returns once it has exited.
  if [ -n "$listener" ]; then
    kill "$listener" 2>/dev/null || true
    wait "$listener" 2>/dev/null || true
  fi
  if [ -n "$own_home" ]; then
    if [ "${KEEP:-}" = 1 ]; then
      echo "== kept the demo's home: $ESIPAY_HOME (database, config, listen.log)"
    else
      rm -rf "$ESIPAY_HOME"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

esipay() { node bin/esipay.js "$@"; }
port=${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}

echo "== esipay demo (embedded engine, data in $ESIPAY_HOME)"
json=$(esipay merchant register --name "Boutique" --ip 127.0.0.1 --return-url "http://127.0.0.1:$port/paid" --json)
uuid=$(node -e 'console.log(JSON.parse(process.argv[1]).uuid)' "$json")
secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$json")
echo "merchant $uuid"

node bin/esipay.js listen --port "$port" --secret "$secret" >"$ESIPAY_HOME/listen.log" 2>&1 &
listener=$!
# The receiver says "listening on …" once its port is open; it may also die (port taken) or hang.
timeout=${READY_TIMEOUT:-10}
deadline=$((SECONDS + timeout))
until grep -q '^listening on' "$ESIPAY_HOME/listen.log"; do
  if ! kill -0 "$listener" 2>/dev/null; then
    wait "$listener" || true
    listener=
    echo "esipay demo: the return-URL receiver (esipay listen --port $port) exited before it was ready:" >&2
    sed 's/^/  /' "$ESIPAY_HOME/listen.log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "esipay demo: the return-URL receiver (esipay listen --port $port) was not ready after ${timeout}s; its output:" >&2
    sed 's/^/  /' "$ESIPAY_HOME/listen.log" >&2
    exit 1
  fi
  sleep 0.05
done

echo; echo "\$ esipay pay 74.12 --card 4111111111111111 --expiry 12/2030 --cid order-1"
tx=$(esipay pay 74.12 --card 4111111111111111 --expiry 12/2030 --cid order-1 --merchant "$uuid" --json)
id=$(node -e 'console.log(JSON.parse(process.argv[1]).id)' "$tx")
esipay tx show "$id"
echo; echo "\$ esipay refund $id 10.00"; esipay refund "$id" 10.00
echo; echo "\$ esipay refund $id"; esipay refund "$id"
echo; echo "\$ esipay pay 5 --card 4000000000000002 (a declined test card)"
esipay pay 5 --card 4000000000000002 --expiry 12/2030 --merchant "$uuid" || echo "(exit $?: declined)"
echo; echo "\$ esipay tx list"; esipay tx list --merchant "$uuid"
echo; echo "== what the return URL received"; cat "$ESIPAY_HOME/listen.log"
