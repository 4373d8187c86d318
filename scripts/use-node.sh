# Source this file: puts a Node.js >= 22 first on PATH. When the machine's node is older (or
# missing), Node 24 LTS is installed once from the npm registry into ESIPAY_NODE_DIR
# (default ~/.cache/esipay-node): the registry is the one place every machine here can reach.
#   source scripts/use-node.sh
__esipay_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(__esipay_node_major)" -lt 22 ]; then
  ESIPAY_NODE_DIR="${ESIPAY_NODE_DIR:-$HOME/.cache/esipay-node}"
  if [ ! -x "$ESIPAY_NODE_DIR/node_modules/.bin/node" ]; then
    echo "esipay: node $(node --version 2>/dev/null || echo missing) is too old; installing Node 24 into $ESIPAY_NODE_DIR" >&2
    mkdir -p "$ESIPAY_NODE_DIR"
    npm install --prefix "$ESIPAY_NODE_DIR" --no-audit --no-fund node@24 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$ESIPAY_NODE_DIR/node_modules/.bin:$PATH"
  hash -r
fi
unset -f __esipay_node_major
