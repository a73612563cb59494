#!/usr/bin/env bash
# Usage: TEST_ANCHORD_BINARY=.build/release/anchord scripts/integration/resolve.sh — anchord against the lab, queried with dig.
#
# Starts the lab (scripts/lab up: NSD on 127.53.x.y) and anchord on 127.0.0.1, then checks answers, rcodes,
# flags, truncation, TCP, pipelining, access control, malformed queries, caching, fragment loss (an
# nftables rule dropping large UDP answers from one server), SIGHUP reload and SIGTERM. Needs root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../lib/integration.sh
source scripts/lib/integration.sh
lab_session 5301
nft_setup
nft_rule "to-example-lab" - ip daddr 127.53.2.1 udp dport 53
nft_rule "big-dropped" drop ip saddr 127.53.2.5 udp sport 53 meta length gt 1260
nft_rule "to-big-udp" - ip daddr 127.53.2.5 udp dport 53
nft_rule "to-big-tcp" - ip daddr 127.53.2.5 tcp dport 53 tcp flags syn

write_config() {
    cat >"$work/anchord.yaml" <<YAML
interface: ["127.0.0.1"]
port: $PORT
root-hints: $LAB/root.hints
trust-anchor-file: ["$LAB/root.anchor"]
do-not-query-localhost: no
access-control: ["127.0.0.66/32 refuse", "127.0.0.67/32 deny"$1]
log-level: info
YAML
}
write_config ""
start_anchord "$work/anchord.yaml" "$work/anchord.log"

# --- answers -------------------------------------------------------------------------------------
out=$(q www.example.lab A)
expect "A answer through root, lab. and example.lab." grep -qE '^www\.example\.lab\.\s+[0-9]+\s+IN\s+A\s+192\.0\.2\.80' <<<"$out"
expect "answer has QR, RA and AD (validated: dig asks with AD), not AA" test "$(flags_of "$out")" = "qr rd ra ad"
out=$(q nothing.example.lab A)
expect "NXDOMAIN with the zone's SOA" bash -c '[ "$1" = NXDOMAIN ] && grep -qE "^example\.lab\.\s+[0-9]+\s+IN\s+SOA" <<<"$2"' _ "$(status_of "$out")" "$out"
out=$(q www.example.lab MX)
expect "NODATA: NOERROR, no answer, SOA" bash -c '[ "$1" = NOERROR ] && grep -q "ANSWER: 0" <<<"$2" && grep -qE "IN\s+SOA" <<<"$2"' _ "$(status_of "$out")" "$out"
out=$(q www.cname.lab A)
expect "CNAME chain across zones ends in the A record" bash -c 'grep -qE "^www\.cname\.lab\..*CNAME" <<<"$1" && grep -qE "^www\.example\.lab\..*A\s+192\.0\.2\.80" <<<"$1"' _ "$out"
out=$(q www.old.lab A)
expect "DNAME answer carries DNAME, synthesised CNAME and data" bash -c 'grep -qE "^old\.lab\..*DNAME\s+new\.lab\." <<<"$1" && grep -qE "^www\.old\.lab\..*CNAME\s+www\.new\.lab\." <<<"$1" && grep -qE "^www\.new\.lab\..*\sA\s" <<<"$1"' _ "$out"
out=$(q www.glueless.lab A)
expect "glueless delegation resolves" test "$(status_of "$out")" = NOERROR
out=$(q www.tc.lab A)
expect "a server that always truncates UDP is asked over TCP" grep -qE '^www\.tc\.lab\..*\sA\s' <<<"$out"
out=$(q www.silent.lab A +time=15)
expect "a silent server ends in SERVFAIL with EDE 22" bash -c '[ "$1" = SERVFAIL ] && [ "$2" = 22 ]' _ "$(status_of "$out")" "$(ede_of "$out")"

# --- sizes and transports ------------------------------------------------------------------------
out=$(q huge.big.lab TXT +bufsize=4096 +ignore)
expect "6 kB answer over UDP (EDNS 4096) is truncated with TC" bash -c 'grep -q " tc" <<<"$1" && [ "$2" -le 4096 ]' _ "$(flags_of "$out")" "$(msg_size_of "$out")"
out=$(q huge.big.lab TXT +tcp)
expect "6 kB answer arrives whole over TCP" bash -c '[ "$1" -gt 6000 ] && grep -q "ANSWER: 24" <<<"$2"' _ "$(msg_size_of "$out")" "$out"
out=$(q www.example.lab TXT +noedns +ignore)
out=$(q huge.big.lab TXT +noedns +ignore)
expect "client without EDNS gets at most 512 octets, TC" bash -c 'grep -q " tc" <<<"$1" && [ "$2" -le 512 ]' _ "$(flags_of "$out")" "$(msg_size_of "$out")"

# --- fragment loss ---------------------------------------------------------------------------------
before_drop=$(nft_packets big-dropped)
start=$(date +%s%N)
out=$(q medium.big.lab TXT +tcp)
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect "2 kB answer behind a fragment-dropping path arrives" grep -q "ANSWER: 8" <<<"$out"
expect "... within a second (took ${elapsed_ms} ms)" test "$elapsed_ms" -lt 1000
expect "... after exactly one answer was lost on the path" test "$(( $(nft_packets big-dropped) - before_drop ))" -eq 1
drops=$(nft_packets big-dropped); udp=$(nft_packets to-big-udp); tcp=$(nft_packets to-big-tcp)
out=$(q medium2.big.lab TXT +tcp)
expect "the next large answer from that server arrives" grep -q "ANSWER: 8" <<<"$out"
expect "... with no answer lost: the server is asked at 1232 straight away" test "$(nft_packets big-dropped)" -eq "$drops"
expect "... one UDP query (at 1232, truncated) then TCP" bash -c '[ "$1" -eq 1 ] && [ "$2" -eq 1 ]' _ "$(( $(nft_packets to-big-udp) - udp ))" "$(( $(nft_packets to-big-tcp) - tcp ))"

# --- caching -------------------------------------------------------------------------------------
first=$(q cached.wild.example.lab A)
sent=$(nft_packets to-example-lab)
sleep 2
second=$(q cached.wild.example.lab A)
ttl1=$(awk '/^cached\.wild\.example\.lab\./ {print $2}' <<<"$first")
ttl2=$(awk '/^cached\.wild\.example\.lab\./ {print $2}' <<<"$second")
expect "a repeated question is answered from the cache (nothing sent upstream)" test "$(nft_packets to-example-lab)" -eq "$sent"
expect "the cached TTL counts down ($ttl1 → $ttl2)" bash -c '[ -n "$1" ] && [ -n "$2" ] && [ "$2" -lt "$1" ] && [ "$2" -ge $(( $1 - 4 )) ]' _ "$ttl1" "$ttl2"

# --- malformed and unusual queries ----------------------------------------------------------------
out=$(q www.example.lab A +opcode=notify)
expect "opcode NOTIFY gets NOTIMP" test "$(status_of "$out")" = NOTIMP
out=$(q www.example.lab A +edns=1 +noednsnegotiation)
expect "EDNS version 1 gets BADVERS" test "$(status_of "$out")" = BADVERS
rcode=$(python3 - "$PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
# A header claiming one question, then a label running past the end of the packet.
s.sendto(bytes.fromhex("abcd01000001000000000000") + b"\x3fshort", ("127.0.0.1", int(sys.argv[1])))
data, _ = s.recvfrom(4096)
print(data[3] & 0x0F if data[:2] == b"\xab\xcd" and data[2] & 0x80 else "bad")
PY
)
expect "a malformed question gets FORMERR with the query's ID" test "$rcode" = 1
answers=$(python3 - "$PORT" <<'PY'
import socket, struct, sys
def query(qid, name, qtype):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0" + struct.pack(">HH", qtype, 1)
    return struct.pack(">H", len(q)) + q
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(query(1, "huge.big.lab", 16) + query(2, "www.example.lab", 1) + query(3, "mail.example.lab", 1))
got = {}
buf = b""
while len(got) < 3:
    chunk = s.recv(65536)
    if not chunk: break
    buf += chunk
    while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
        n = struct.unpack(">H", buf[:2])[0]
        msg, buf = buf[2:2 + n], buf[2 + n:]
        got[struct.unpack(">H", msg[:2])[0]] = msg[3] & 0x0F
print(",".join(f"{k}:{v}" for k, v in sorted(got.items())))
PY
)
expect "three pipelined TCP queries on one connection all answered ($answers)" test "$answers" = "1:0,2:0,3:0"

# --- access control ------------------------------------------------------------------------------
out=$(dig +time=2 +tries=1 -b 127.0.0.66 -p "$PORT" @127.0.0.1 www.example.lab A 2>&1 || true)
expect "a client in a refuse block gets REFUSED" test "$(status_of "$out")" = REFUSED
out=$(dig +time=1 +tries=1 -b 127.0.0.67 -p "$PORT" @127.0.0.1 www.example.lab A 2>&1 || true)
expect "a client in a deny block gets no answer" grep -q "timed out" <<<"$out"
out=$(dig +time=2 +tries=1 -b 127.0.0.68 -p "$PORT" @127.0.0.1 www.example.lab A 2>&1 || true)
expect "loopback clients are allowed by default" test "$(status_of "$out")" = NOERROR

# --- signals -------------------------------------------------------------------------------------
write_config ', "127.0.0.68/32 refuse"'
sent=$(nft_packets to-example-lab)
kill -HUP "$ANCHORD_PID"
sleep 0.5
out=$(dig +time=2 +tries=1 -b 127.0.0.68 -p "$PORT" @127.0.0.1 www.example.lab A 2>&1 || true)
expect "SIGHUP reloads the configuration (new refuse block applies)" test "$(status_of "$out")" = REFUSED
out=$(q www.example.lab A)
expect "... and keeps the cache (nothing sent upstream)" bash -c '[ "$1" = NOERROR ] && [ "$2" -eq "$3" ]' _ "$(status_of "$out")" "$(nft_packets to-example-lab)" "$sent"
kill -TERM "$ANCHORD_PID"
status=0
wait "$ANCHORD_PID" || status=$?
ANCHORD_PID=""
expect "SIGTERM stops anchord with exit status 0" test "$status" -eq 0

finish
