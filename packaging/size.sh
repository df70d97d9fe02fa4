#!/bin/sh
# size.sh BINARY - `make size`: the stripped size of a (static) ocibox and what weighs most
# in it, from a link map: bytes of the allocated sections (.text, .rodata, .data, ...) each
# input contributes, grouped by library (libc.a, libnl-3.a, ...) or our own objects.
set -eu
bin=$1
map=$bin.map
[ -f "$map" ] || { echo "size: no link map $map (make STATIC=1 writes one)" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
strip -o "$tmp" "$bin"
bytes=$(stat -c %s "$tmp")
limit=$((3 * 1024 * 1024 / 2))
awk -v b="$bytes" -v l="$limit" 'BEGIN { printf "stripped: %d bytes (%.2f MiB; limit 1.50 MiB: %s)\n", b, b / 1048576, b <= l ? "ok" : "OVER" }'
# The map lists each input section as "NAME ADDR SIZE FILE", NAME alone on its line when
# long. Debug, comment, note and bss sections take no room in the file and do not count.
awk '
function hex(x,   i, c, n) { n = 0; x = tolower(substr(x, 3))
	for (i = 1; i <= length(x); i++) { c = index("0123456789abcdef", substr(x, i, 1)) - 1; n = n * 16 + c }
	return n }
/^Linker script and memory map/ { on = 1; next }
!on { next }
/^ \./ && NF == 1 { pend = $1; next }
/^ \./ && NF >= 4 && $2 ~ /^0x/ { sec = $1; sz = $3; file = $4 }
/^  +0x/ && pend != "" && NF >= 3 && $2 ~ /^0x/ { sec = pend; sz = $2; file = $3 }
{ pend = "" }
sec == "" { next }
{
	s = sec; sec = ""
	if (s ~ /^\.(debug|comment|note|gnu_debuglink|stab|bss|tbss)/ || s == "COMMON") next
	n = hex(sz); if (n == 0) next
	if (file ~ /libocibox\.a\(/) file = "libocibox.a (core/, netutil/)"
	else if (file ~ /\.a\(/) { sub(/\(.*/, "", file); sub(/.*\//, "", file) }
	else if (file ~ /build\//) file = "applets/, main.c"
	else { sub(/.*\//, "", file) }
	t[file] += n
}
END { for (f in t) printf "%d\t%s\n", t[f], f }' "$map" | sort -rn >"$tmp.all"
echo "biggest contributors (bytes in the file, before strip):"
head -3 "$tmp.all" | awk -F'\t' '{ printf "  %-30s %8d bytes (%.0f KiB)\n", $2, $1, $1 / 1024 }'
rest=$(tail -n +4 "$tmp.all" | awk -F'\t' '{ s += $1 } END { print s + 0 }')
printf "  %-30s %8d bytes\n" "everything else" "$rest"
rm -f "$tmp.all"
