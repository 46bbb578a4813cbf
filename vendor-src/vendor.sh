#!/usr/bin/env bash
# Re-vendor pinned front-end assets into static/vendor/.
#
# Versions are pinned in vendor-src/package.json + package-lock.json.
# Only the dist files the site needs (plus their licence files) are copied;
# the results are committed so nothing is fetched from the internet at run time.
#
# Usage: bash vendor-src/vendor.sh   (from anywhere)
set -euo pipefail

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SRC_DIR/.." && pwd)"
NM="$SRC_DIR/node_modules"
OUT="$REPO_DIR/static/vendor"

cd "$SRC_DIR"
npm ci --ignore-scripts --no-audit --no-fund

# Directories owned by this script are rebuilt from scratch; anything else
# under static/vendor/ is left alone.
rm -rf "$OUT/weui" "$OUT/echarts" "$OUT/htmx" "$OUT/axe-core" "$OUT/VERSIONS.txt"
mkdir -p "$OUT/weui" "$OUT/echarts" "$OUT/htmx" "$OUT/axe-core"

# copy SRC DEST — fail loudly if an expected file is missing.
copy() {
  if [[ ! -f "$1" ]]; then
    echo "vendor.sh: missing expected file: $1" >&2
    exit 1
  fi
  cp "$1" "$2"
}

# weui (MIT)
copy "$NM/weui/dist/style/weui.min.css" "$OUT/weui/weui.min.css"
copy "$NM/weui/LICENSE.txt"              "$OUT/weui/LICENSE.txt"

# echarts (Apache-2.0). The bundle embeds zrender (BSD-3-Clause), tslib (0BSD)
# and d3-derived code (BSD-3-Clause), so their notices travel with it.
copy "$NM/echarts/dist/echarts.simple.min.js" "$OUT/echarts/echarts.simple.min.js"
copy "$NM/echarts/LICENSE"                    "$OUT/echarts/LICENSE"
copy "$NM/echarts/NOTICE"                     "$OUT/echarts/NOTICE"
copy "$NM/echarts/licenses/LICENSE-d3"        "$OUT/echarts/LICENSE-d3"
copy "$NM/zrender/LICENSE"                    "$OUT/echarts/LICENSE-zrender"
copy "$NM/tslib/LICENSE.txt"                  "$OUT/echarts/LICENSE-tslib.txt"

# htmx.org (0BSD)
copy "$NM/htmx.org/dist/htmx.min.js" "$OUT/htmx/htmx.min.js"
copy "$NM/htmx.org/LICENSE"          "$OUT/htmx/LICENSE"

# axe-core (MPL-2.0) — used by tests only, never served to users' pages.
copy "$NM/axe-core/axe.min.js"            "$OUT/axe-core/axe.min.js"
copy "$NM/axe-core/LICENSE"               "$OUT/axe-core/LICENSE"
copy "$NM/axe-core/LICENSE-3RD-PARTY.txt" "$OUT/axe-core/LICENSE-3RD-PARTY.txt"

# VERSIONS.txt: package@version as actually installed from the lockfile.
node -e '
  const path = require("path");
  const nm = process.argv[1];
  for (const p of ["weui", "echarts", "zrender", "htmx.org", "axe-core"]) {
    const v = require(path.join(nm, p, "package.json")).version;
    console.log(p + "@" + v);
  }
' "$NM" > "$OUT/VERSIONS.txt"

# Guard: htmx must stay on 2.x.
if ! grep -qx 'htmx.org@2\.[0-9.]*' "$OUT/VERSIONS.txt"; then
  echo "vendor.sh: htmx.org must be 2.x" >&2
  exit 1
fi

# Guard: vendored CSS must not reference remote hosts.
if grep -Eiq 'url\(\s*["'\'']?(https?:)?//' "$OUT/weui/weui.min.css"; then
  echo "vendor.sh: weui.min.css references a remote url()" >&2
  exit 1
fi

echo "Vendored into $OUT:"
cat "$OUT/VERSIONS.txt"
