#!/usr/bin/env bash
# Where decoding a documented response spends its time, as instruction counts (callgrind:
# the same count on every run of the same binary, whatever else the machine does). For each
# provider: instructions per decode into the generated type and per parse alone (the floor),
# then, for PROVIDER (default insly), the functions with the most inclusive instructions.
#
#   scripts/profile-decode.sh [PROVIDER]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || (apt-get update -qq && apt-get install -y -qq valgrind) >/dev/null
cargo build -q --release --example profile_decode
bin=target/release/examples/profile_decode
out=target/profile && mkdir -p "$out"
count() { # args -> instructions per decode (the example runs 2000)
  valgrind --tool=callgrind --callgrind-out-file="$out/$1${2:+-$2}.callgrind" "$bin" "$@" 2>&1 |
    awk '/Collected/ {printf "%.0f", $4 / 2000}'
}
printf "%-12s %14s %14s %8s\n" provider "decode instr" "parse instr" ratio
for provider in rentalcover insly ecurring rocketkor; do
  decode=$(count "$provider")
  parse=$(count "$provider" parse)
  printf "%-12s %14s %14s %8.2f\n" "$provider" "$decode" "$parse" "$(echo "$decode / $parse" | bc -l)"
done
echo
echo "top inclusive functions, ${1:-insly} decode ($out/${1:-insly}.callgrind):"
callgrind_annotate --inclusive=yes "$out/${1:-insly}.callgrind" 2>/dev/null |
  grep -E '^ *[0-9,]+ \(' | sed -n '1,40p' | grep -v 'libc\|ld-linux\|lang_start\|below main\|::main ' | cut -c1-180 | head -25
