#!/usr/bin/env bash
# Refresh the front-end files the portal serves itself (no CDN, no network at run time).
#   echarts 5 (dist/echarts.min.js): the map and charts.
#   China's province boundaries: map/json/china.json of echarts 4.9.0, the last release that
#   shipped it. It draws Taiwan, Hong Kong and Macao as provinces, and echarts adds the
#   南海诸岛 inset itself to any map registered under the name "china".
set -euo pipefail
cd "$(dirname "$0")/.."
ECHARTS=5.6.0
MAPS=4.9.0
AXE=4.10.3  # accessibility checks of the browser tests; never served to the public
dest=static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "echarts@$ECHARTS" "echarts@$MAPS" "axe-core@$AXE" --silent >/dev/null)
mkdir -p "$tmp/a" "$tmp/b" "$dest/echarts"
tar xzf "$tmp/echarts-$ECHARTS.tgz" -C "$tmp/a"
tar xzf "$tmp/echarts-$MAPS.tgz" -C "$tmp/b"
cp "$tmp/a/package/dist/echarts.min.js" "$dest/echarts/echarts.min.js"
cp "$tmp/a/package/LICENSE" "$dest/echarts/LICENSE"
cp "$tmp/b/package/map/json/china.json" "$dest/echarts/china.json"
echo "echarts $ECHARTS, china.json from echarts $MAPS" > "$dest/echarts/VERSION"
mkdir -p "$tmp/c" tests/e2e/vendor
tar xzf "$tmp/axe-core-$AXE.tgz" -C "$tmp/c"
cp "$tmp/c/package/axe.min.js" "$tmp/c/package/LICENSE" tests/e2e/vendor/
echo "vendored into $dest/echarts: $(ls "$dest/echarts" | tr '\n' ' ')"
