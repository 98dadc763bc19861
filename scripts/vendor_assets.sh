#!/usr/bin/env bash
# Refresh the front-end files the portal serves itself (no CDN, no network at run time).
#   echarts 5 (dist/echarts.min.js): the map and charts.
#   China's province boundaries: map/json/china.json of echarts 4.9.0, the last release that
#   shipped it. It draws Taiwan, Hong Kong and Macao as provinces, and echarts adds the
#   南海诸岛 inset itself to any map registered under the name "china".
#   Redoc 2 (bundles/redoc.standalone.js): the API reference at /api/redoc/.  Its sidebar asks a CDN
#   for a logo; the address is replaced by an empty data: URL, so the image fails quietly (Redoc
#   then hides it) and the Content-Security-Policy needs no outside origin.
set -euo pipefail
cd "$(dirname "$0")/.."
ECHARTS=5.6.0
MAPS=4.9.0
REDOC=2.5.2
AXE=4.10.3  # accessibility checks of the browser tests; never served to the public
dest=static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "echarts@$ECHARTS" "echarts@$MAPS" "axe-core@$AXE" "redoc@$REDOC" --silent >/dev/null)
mkdir -p "$tmp/a" "$tmp/b" "$dest/echarts"
tar xzf "$tmp/echarts-$ECHARTS.tgz" -C "$tmp/a"
tar xzf "$tmp/echarts-$MAPS.tgz" -C "$tmp/b"
cp "$tmp/a/package/dist/echarts.min.js" "$dest/echarts/echarts.min.js"
cp "$tmp/a/package/LICENSE" "$dest/echarts/LICENSE"
cp "$tmp/b/package/map/json/china.json" "$dest/echarts/china.json"
echo "echarts $ECHARTS, china.json from echarts $MAPS" > "$dest/echarts/VERSION"
mkdir -p "$tmp/r" "$dest/redoc"
tar xzf "$tmp/redoc-$REDOC.tgz" -C "$tmp/r"
# The bundle's last line names a source map that is not vendored; collectstatic's manifest would miss it.
sed -e 's#https://cdn.redoc.ly/redoc/logo-mini.svg#data:,#' -e '/^\/\/# sourceMappingURL=/d' \
  "$tmp/r/package/bundles/redoc.standalone.js" > "$dest/redoc/redoc.standalone.js"
if grep -q 'https://cdn' "$dest/redoc/redoc.standalone.js"; then echo "redoc still names a CDN" >&2; exit 1; fi
cp "$tmp/r/package/LICENSE" "$dest/redoc/LICENSE"
echo "redoc $REDOC (logo address emptied)" > "$dest/redoc/VERSION"
mkdir -p "$tmp/c" tests/e2e/vendor
tar xzf "$tmp/axe-core-$AXE.tgz" -C "$tmp/c"
cp "$tmp/c/package/axe.min.js" "$tmp/c/package/LICENSE" tests/e2e/vendor/
echo "vendored into $dest/echarts: $(ls "$dest/echarts" | tr '\n' ' ')"
