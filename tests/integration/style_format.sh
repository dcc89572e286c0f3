# style_format.sh - every C file of the tree is formatted with the tree's
# .clang-format, so a diff shows what changed and not how an editor wraps.
. "$TOP/tests/lib.sh"

if ! command -v clang-format >/dev/null; then
	not_ok "clang-format is installed (tools/lib/deps.sh lists it)" "not found"
	exit 0
fi
cd "$TOP" || exit 1
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find daemon collectors tests -name '*.[ch]')
[ -n "$files" ] && ok "the C files are found ($(wc -l <<<"$files"))" || not_ok "the C files are found" "none"
bad=
for f in $files; do
	clang-format --style=file "$f" | cmp -s - "$f" || bad+="$f "
done
expect_eq "every C file is formatted with .clang-format (fix: clang-format -i FILE)" "" "$bad"

# The check can fail: a file written another way is found.
tmp=$T_TMP/style
mkdir -p "$tmp"
cp .clang-format "$tmp/"
printf 'int f(int a,int b){return a+b;}\n' >"$tmp/x.c"
(cd "$tmp" && clang-format --style=file x.c | cmp -s - x.c) &&
	not_ok "a file not formatted so is told apart" "it passed" ||
	ok "a file not formatted so is told apart"
