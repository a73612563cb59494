# shellcheck shell=bash
# Sourced by scripts/lab: reads servers.txt and zones.txt, and builds the lab into $RUN from them and
# zones/ — keys (made once, kept across runs), prepared and signed zones, DS records, one NSD
# configuration per server, root.hints, root.anchor and names.txt. Expects $LAB_D and $RUN.

SERVERS=() ZONES=()
declare -A SERVER_ADDR SERVER_HOST SERVER_KIND SERVER_ZONE ZONE_SERVERS ZONE_SOURCE ZONE_ALG ZONE_DENIAL ZONE_VARIANT ZONE_PARENT

load_tables() {
    local id address host kind zone servers source alg denial variant
    while read -r id address host kind zone; do
        case $id in '' | '#'*) continue ;; esac
        SERVERS+=("$id")
        SERVER_ADDR[$id]=$address SERVER_HOST[$id]=$host SERVER_KIND[$id]=$kind SERVER_ZONE[$id]=${zone:-}
    done <"$LAB_D/servers.txt"
    while read -r zone servers source alg denial variant; do
        case $zone in '' | '#'*) continue ;; esac
        ZONES+=("$zone")
        ZONE_SERVERS[$zone]=$servers ZONE_SOURCE[$zone]=$source ZONE_ALG[$zone]=$alg
        ZONE_DENIAL[$zone]=$denial ZONE_VARIANT[$zone]=$variant
        case $zone in .) ZONE_PARENT[$zone]="" ;; *.*) ZONE_PARENT[$zone]=${zone#*.} ;; *) ZONE_PARENT[$zone]=. ;; esac
    done <"$LAB_D/zones.txt"
}

# File-system name of a zone ("root" for the root), and its absolute name.
zone_id() { if [ "$1" = . ]; then echo root; else echo "$1"; fi; }
fqdn() { if [ "$1" = . ]; then echo .; else echo "$1."; fi; }

# Zones deepest first, so a parent is signed after its children's DS records exist.
zones_children_first() {
    local zone
    for zone in "${ZONES[@]}"; do
        if [ "$zone" = . ]; then echo "0 ."; else echo "$zone" | awk -F. '{ print NF, $0 }'; fi
    done | sort -k1,1nr -k2,2 | cut -d' ' -f2
}

# The DNSKEY RDATA of a .key file (BIND or ldns format): "FLAGS 3 ALG BASE64".
key_rdata() {
    sed 's/;.*//' "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "DNSKEY") {
        out = $(i + 1); for (j = i + 2; j <= NF; j++) out = out " " $j; print out; exit } }'
}

# YYYYMMDDHHMMSS for seconds since the epoch.
stamp() { date -u -d "@$1" +%Y%m%d%H%M%S; }

# new_key DIR ZONE ALG ksk|zsk: make a key pair in DIR and print its base name (K<zone>+<alg>+<tag>).
new_key() {
    local dir=$1 zone=$2 alg=$3 role=$4 name
    local flags=() bits=()
    case $alg in
        1 | 3) # RSAMD5 and DSA: BIND no longer makes these keys, ldns still does.
            if [ "$role" = ksk ]; then flags=(-k); fi
            local mnemonic=RSAMD5
            if [ "$alg" = 3 ]; then mnemonic=DSA; fi
            name=$(cd "$dir" && ldns-keygen -a "$mnemonic" -b 1024 "${flags[@]}" "$(fqdn "$zone")")
            rm -f "$dir/$name.ds"
            ;;
        *)
            if [ "$role" = ksk ]; then flags=(-f KSK); fi
            case $alg in 5 | 7 | 8 | 10) if [ "$role" = ksk ]; then bits=(-b 2048); else bits=(-b 1024); fi ;; esac
            name=$(dnssec-keygen -q -K "$dir" -a "$alg" "${bits[@]}" "${flags[@]}" "$(fqdn "$zone")")
            ;;
    esac
    echo "$name"
}

# Make a zone's keys on first use; later runs reuse them, so DS records and root.anchor stay put
# (new keys only when zones.txt gives the zone another algorithm or variant).
# Files in keys/ZONE/: ksk and zsk (base names of the key pairs), spare (wrongds: a KSK never published),
# nozonebit.pem (an Ed25519 key published with flags 0), private.dnskey (algorithm 253 RDATA), made-for.
ensure_keys() {
    local zone=$1 alg=${ZONE_ALG[$1]} variant=${ZONE_VARIANT[$1]} dir new
    dir="$RUN/keys/$(zone_id "$zone")"
    if [ "$alg" = - ]; then rm -rf "$dir"; return 0; fi
    if [ "$(cat "$dir/made-for" 2>/dev/null)" = "$alg $variant" ]; then return 0; fi
    rm -rf "$dir"
    new="$dir.new"
    rm -rf "$new"
    mkdir -p "$new"
    if [ "$variant" = private-alg ]; then
        # RFC 4034 Appendix A.1.1: a PRIVATEDNS key starts with the name of its algorithm's owner.
        echo "257 3 253 $({ printf '\003lab\007anchord\000'; head -c 64 /dev/urandom; } | base64 -w0)" \
            >"$new/private.dnskey"
    else
        new_key "$new" "$zone" "$alg" ksk >"$new/ksk" 2>>"$new/keygen.log"
        new_key "$new" "$zone" "$alg" zsk >"$new/zsk" 2>>"$new/keygen.log"
    fi
    if [ "$variant" = wrongds ]; then new_key "$new" "$zone" "$alg" ksk >"$new/spare" 2>>"$new/keygen.log"; fi
    if [ "$variant" = nozonebit ]; then openssl genpkey -algorithm ed25519 -out "$new/nozonebit.pem" 2>/dev/null; fi
    echo "$alg $variant" >"$new/made-for"
    mv "$new" "$dir"
}

# The flags-0 DNSKEY RDATA of the nozonebit key.
nozonebit_rdata() {
    echo "0 3 15 $(openssl pkey -in "$1/nozonebit.pem" -pubout -outform DER | tail -c 32 | base64 -w0)"
}

# The zone text to sign: $ORIGIN, the source, the children's DS records, the zone's own DNSKEYs.
prepare_zone() {
    local zone=$1 child dir host
    dir="$RUN/keys/$(zone_id "$zone")"
    host=${SERVER_HOST[${ZONE_SERVERS[$zone]%%,*}]}
    echo "\$ORIGIN $(fqdn "$zone")"
    sed "s/@NS@/$host/g" "$LAB_D/zones/${ZONE_SOURCE[$zone]}"
    echo "; DS records of the child zones"
    for child in "${ZONES[@]}"; do
        if [ "${ZONE_PARENT[$child]}" = "$zone" ] && [ -s "$RUN/ds/$child.ds" ]; then cat "$RUN/ds/$child.ds"; fi
    done
    echo "; DNSKEY records"
    case ${ZONE_VARIANT[$zone]} in
        private-alg) echo "@ IN DNSKEY $(cat "$dir/private.dnskey")" ;;
        nodnskey) ;; # keys exist (the parent publishes a DS) but the zone is served unsigned
        *) if [ "${ZONE_ALG[$zone]}" != - ]; then sed 's/;.*//' "$dir/$(cat "$dir/ksk").key" "$dir/$(cat "$dir/zsk").key"; fi ;;
    esac
    if [ "${ZONE_VARIANT[$zone]}" = nozonebit ]; then echo "@ IN DNSKEY $(nozonebit_rdata "$dir")"; fi
}

# Sign $RUN/zones/ID.unsigned into ID.zone (what NSD serves), then break it as its variant says.
sign_zone() {
    local zone=$1 id dir in out now start end
    local alg=${ZONE_ALG[$1]} denial=${ZONE_DENIAL[$1]} variant=${ZONE_VARIANT[$1]}
    id=$(zone_id "$zone")
    dir="$RUN/keys/$id"
    in="$RUN/zones/$id.unsigned"
    out="$RUN/zones/$id.zone"
    if [ "$alg" = - ] || [ "$variant" = nodnskey ] || [ "$variant" = private-alg ]; then
        cp "$in" "$out"
        return 0
    fi
    now=$(date +%s)
    start=$((now - 3600)) end=$((now + 30 * 86400))
    case $variant in
        expired) start=$((now - 60 * 86400)) end=$((now - 30 * 86400)) ;;
        notyet) start=$((now + 30 * 86400)) end=$((now + 60 * 86400)) ;;
    esac
    local keys=("$dir/$(cat "$dir/ksk")" "$dir/$(cat "$dir/zsk")")
    if [ "$alg" = 1 ] || [ "$alg" = 3 ] || [ "$denial" = nsec3-500 ]; then
        # ldns-signzone: algorithms BIND dropped, and NSEC3 iterations above BIND's limit of 150.
        local nsec3=()
        case $denial in
            nsec3) nsec3=(-n -t 0) ;;
            nsec3-500) nsec3=(-n -t 500 -s 5a17ed) ;;
        esac
        ldns-signzone -f "$out" -o "$(fqdn "$zone")" -i "$start" -e "$end" "${nsec3[@]}" "$in" "${keys[@]}" \
            2>"$RUN/zones/$id.log"
    else
        local opts=(-q -O full -N unixtime -d "$RUN/zones" -o "$(fqdn "$zone")" -f "$out"
            -s "$(stamp "$start")" -e "$(stamp "$end")")
        case $denial in
            nsec3) opts+=(-3 -) ;;
            nsec3-optout) opts+=(-3 - -A) ;;
        esac
        # The post-signing check rejects signatures outside their validity window: skip it for those.
        case $variant in expired | notyet) opts+=(-P) ;; esac
        (cd "$RUN/zones" && dnssec-signzone "${opts[@]}" "$in" "${keys[@]}" >/dev/null 2>"$RUN/zones/$id.log")
    fi
    local www
    www="www.$(fqdn "$zone")"
    case $variant in
        badsig) # change one character of the signature over www A
            awk -v owner="$www" '$1 == owner && $4 == "RRSIG" && $5 == "A" {
                c = substr($NF, 5, 1); $NF = substr($NF, 1, 4) (c == "A" ? "B" : "A") substr($NF, 6) } { print }' \
                "$out" >"$out.tmp" ;;
        nosig) # drop the signatures over www's A and AAAA (NSEC still proves www is no zone cut)
            awk -v owner="$www" '!($1 == owner && $4 == "RRSIG" && ($5 == "A" || $5 == "AAAA"))' "$out" >"$out.tmp" ;;
        nonsec) # drop the NSEC chain: denials come without proof
            awk '!($4 == "NSEC" || ($4 == "RRSIG" && $5 == "NSEC"))' "$out" >"$out.tmp" ;;
        nozonebit) # www A signed only by the key without the zone-key bit
            {
                awk -v owner="$www" '!($1 == owner && $4 == "RRSIG" && $5 == "A")' "$out"
                python3 "$LAB_D/keytool.py" rrsig-a "$dir/nozonebit.pem" "$(nozonebit_rdata "$dir")" \
                    "$www" 300 192.0.2.1 "$start" "$end"
            } >"$out.tmp" ;;
    esac
    if [ -e "$out.tmp" ]; then mv "$out.tmp" "$out"; fi
}

# The DS records the parent publishes for a zone, in $RUN/ds/ID.ds (none for an unsigned zone). The
# file is replaced only when its content changes, so the parent is not signed again for nothing.
write_ds() {
    local zone=$1 dir ksk file
    dir="$RUN/keys/$(zone_id "$zone")"
    file="$RUN/ds/$(zone_id "$zone").ds"
    if [ "${ZONE_ALG[$zone]}" = - ]; then rm -f "$file"; return 0; fi
    if [ "${ZONE_VARIANT[$zone]}" = private-alg ]; then
        python3 "$LAB_D/keytool.py" ds "$(fqdn "$zone")" "$(cat "$dir/private.dnskey")" 2
    else
        ksk="$dir/$(cat "$dir/ksk").key"
        case ${ZONE_VARIANT[$zone]} in
            wrongds) dnssec-dsfromkey -2 "$dir/$(cat "$dir/spare").key" ;;
            ds-sha1) dnssec-dsfromkey -1 "$ksk" 2>/dev/null ;; # it warns that SHA-1 is deprecated
            ds-sha384) dnssec-dsfromkey -a SHA-384 "$ksk" ;;
            ds-sm3) python3 "$LAB_D/keytool.py" ds "$(fqdn "$zone")" "$(key_rdata "$ksk")" 6 ;;
            *) case ${ZONE_ALG[$zone]} in
                1 | 3) python3 "$LAB_D/keytool.py" ds "$(fqdn "$zone")" "$(key_rdata "$ksk")" 2 ;;
                *) dnssec-dsfromkey -2 "$ksk" ;;
            esac ;;
        esac
    fi >"$file.new"
    if cmp -s "$file.new" "$file"; then rm "$file.new"; else mv "$file.new" "$file"; fi
}

# A zone needs no new signing while its served file is under a week old (so signatures keep at least
# 23 days) and newer than everything it is made from: source, tables, this script, keys, children's DS.
zone_is_fresh() {
    local zone=$1 id out input child
    id=$(zone_id "$zone")
    out="$RUN/zones/$id.zone"
    [ -s "$out" ] && [ -n "$(find "$out" -mmin -10080)" ] || return 1
    for input in "$LAB_D/zones/${ZONE_SOURCE[$zone]}" "$LAB_D/zones.txt" "$LAB_D/servers.txt" \
        "$LAB_D/generate.sh" "$LAB_D/keytool.py" "$RUN/keys/$id"; do
        if [ -e "$input" ] && [ "$input" -nt "$out" ]; then return 1; fi
    done
    for child in "${ZONES[@]}"; do
        if [ "${ZONE_PARENT[$child]}" = "$zone" ] && [ "$RUN/ds/$child.ds" -nt "$out" ]; then return 1; fi
    done
}

# One NSD per server, each serving only its own zones: a root server must refer, not answer.
write_nsd_conf() {
    local id=$1 port=53 dir zone
    dir="$RUN/servers/$id"
    if [ "${SERVER_KIND[$id]}" = tc ]; then port=5300; fi
    mkdir -p "$dir"
    cat >"$dir/nsd.conf" <<EOF
# NSD for ${SERVER_HOST[$id]} (${SERVER_ADDR[$id]}), written by scripts/lab.
server:
    ip-address: ${SERVER_ADDR[$id]}@$port
    do-ip6: no
    server-count: 1
    reuseport: no
    username: ""
    chroot: ""
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    verbosity: 1
    # Answers up to 4096 octets over UDP (NSD defaults to 1232), so a path that drops large UDP
    # answers can be simulated with nftables.
    ipv4-edns-size: 4096
    ipv6-edns-size: 4096
    # No response rate limiting: every resolver under test asks from 127.0.0.1 at bench rates, and NSD's
    # RRL (200 answers a second per source by default) would slip them to TCP or drop them.
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    round-robin: no
remote-control:
    control-enable: no
EOF
    for zone in "${ZONES[@]}"; do
        case ",${ZONE_SERVERS[$zone]}," in
            *",$id,"*) printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$(fqdn "$zone")" \
                "$RUN/zones/$(zone_id "$zone").zone" >>"$dir/nsd.conf" ;;
        esac
    done
}

# Everything the servers and the resolver read. Keys are made once; zones are signed when stale.
generate() {
    local zone id root_ksk
    mkdir -p "$RUN/keys" "$RUN/zones" "$RUN/ds" "$RUN/servers"
    for zone in $(zones_children_first); do
        ensure_keys "$zone"
        if zone_is_fresh "$zone"; then continue; fi
        id=$(zone_id "$zone")
        write_ds "$zone"
        prepare_zone "$zone" >"$RUN/zones/$id.unsigned"
        if ! sign_zone "$zone" || ! nsd-checkzone "$(fqdn "$zone")" "$RUN/zones/$id.zone" >>"$RUN/zones/$id.log"; then
            echo "lab: signing $zone failed:" >&2
            cat "$RUN/zones/$id.log" >&2
            rm -f "$RUN/zones/$id.zone"
            return 1
        fi
    done
    rm -f "$RUN"/zones/dsset-*
    for id in "${SERVERS[@]}"; do
        case ${SERVER_KIND[$id]} in nsd | tc) write_nsd_conf "$id" ;; esac
    done

    {
        echo "; Root hints for the anchord lab (root-hints: in anchord and Unbound)."
        for id in "${SERVERS[@]}"; do
            case $id in root-*) echo ".  3600000  IN  NS  ${SERVER_HOST[$id]}." ;; esac
        done
        for id in "${SERVERS[@]}"; do
            case $id in root-*) echo "${SERVER_HOST[$id]}.  3600000  IN  A  ${SERVER_ADDR[$id]}" ;; esac
        done
    } >"$RUN/root.hints"
    root_ksk="$RUN/keys/root/$(cat "$RUN/keys/root/ksk").key"
    {
        echo "; Trust anchor for the anchord lab root: its KSK as DS and as DNSKEY (trust-anchor-file:)."
        dnssec-dsfromkey -2 "$root_ksk"
        sed 's/;.*//; /^[[:space:]]*$/d' "$root_ksk"
    } >"$RUN/root.anchor"
    cp "$LAB_D/names.txt" "$RUN/names.txt"
}
