# fnlen.awk - the length in lines of each function definition of C files formatted by the
# committed .clang-format (a definition starts in column 0, its body opens with "{" and
# closes with "}" in column 0). Prints "LINES FILE:LINE NAME"; `make lint` sorts them.
FNR == 1 { cand = 0; body = 0 }
!body && /^[A-Za-z_]/ && /\(/ && !/;[[:space:]]*$/ && !/^typedef/ {
	l = $0
	gsub(/__attribute__\(\([^)]*\)+ */, "", l)
	sub(/\(.*/, "", l)
	n = split(l, w, /[ *]+/)
	name = w[n]
	cand = FNR
	next
}
!body && cand && /;[[:space:]]*$/ { cand = 0; next }
cand && /^\{/ { body = 1; next }
body && /^}/ {
	printf "%d %s:%d %s\n", FNR - cand + 1, FILENAME, cand, name
	body = 0
	cand = 0
}
