#!/usr/bin/env bash
# The peer for "1,000 files published": Hugo (Debian's hugo 0.111.3) building the same corpus into pages, tag
# pages and feeds, timed on this machine in the same session as our bulk figures.
#   dotnet run -c Release --project tests/Publishing.Benchmarks -- bulk --count 1000 --write-corpus /tmp/corpus
#   docs/measure/hugo-peer.sh /tmp/corpus [runs]
set -euo pipefail
corpus=${1:?usage: hugo-peer.sh <corpus folder> [runs]}
runs=${2:-5}
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
mkdir -p "$site/content/posts" "$site/layouts/_default"
find "$corpus" -name '*.md' -exec cp {} "$site/content/posts/" \;
cat > "$site/config.toml" <<'TOML'
baseURL = "https://news.example.org/"
title = "Example News"
[taxonomies]
  tag = "tags"
TOML
# The least a site needs: an article page, a list page (home, sections, tags) and Hugo's built-in RSS per list.
cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>
HTML
cat > "$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>{{ .Content }}<ul>{{ range .Params.tags }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul></article>{{ end }}
HTML
cat > "$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}
HTML
echo "Hugo $(hugo version | cut -d' ' -f2) on $(find "$site/content/posts" -name '*.md' | wc -l) files, $runs runs:"
for run in $(seq 1 "$runs"); do
  rm -rf "$site/public"
  start=$(date +%s.%N)
  hugo --quiet --source "$site" --destination "$site/public" >/dev/null
  end=$(date +%s.%N)
  printf '  run %d: %.2f s, %d pages written\n' "$run" "$(echo "$end - $start" | bc)" "$(find "$site/public" -name 'index.html' | wc -l)"
done
