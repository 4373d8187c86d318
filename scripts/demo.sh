#!/usr/bin/env bash
# The quick start on the embedded engine, end to end, in a throw-away ESIPAY_HOME:
# register a merchant, run a return-URL receiver, pay, refund partially, refund the rest, list.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node.sh
[ -f dist/src/cli/main.js ] || npm run build >/dev/null
export ESIPAY_HOME="${ESIPAY_HOME:-$(mktemp -d)}"
esipay() { node bin/esipay.js "$@"; }
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')

echo "== esipay demo (embedded engine, data in $ESIPAY_HOME)"
json=$(esipay merchant register --name "Boutique" --ip 127.0.0.1 --return-url "http://127.0.0.1:$port/paid" --json)
uuid=$(node -e 'console.log(JSON.parse(process.argv[1]).uuid)' "$json")
secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$json")
echo "merchant $uuid"

esipay listen --port "$port" --secret "$secret" > "$ESIPAY_HOME/listen.log" 2>&1 &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
until grep -q listening "$ESIPAY_HOME/listen.log"; do sleep 0.05; done

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
