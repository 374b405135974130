#!/bin/sh
# Refresh the Leaflet files the offline HTML map inlines, from the npm registry (npm pack).
# Usage: geo/assets/update-leaflet.sh [VERSION]; check the map tests, then commit geo/assets/leaflet.
set -eu
version="${1:-1.9.4}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "leaflet@$version" >/dev/null && tar xzf "leaflet-$version.tgz")
dist="$work/package/dist"
mkdir -p "$here/leaflet/images"
cp "$dist/leaflet.js" "$dist/leaflet.css" "$work/package/LICENSE" "$here/leaflet/"
cp "$dist/images/layers.png" "$dist/images/layers-2x.png" "$here/leaflet/images/"
echo "$version" > "$here/leaflet/VERSION"
echo "leaflet $version copied to $here/leaflet"
