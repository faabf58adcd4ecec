#!/bin/sh
# Checks this ContractVault evidence bundle with standard tools only:
# openssl, sha256sum, grep, sed, awk (and the shell's own printf and read).
# Run it inside the unpacked bundle:  sh verify.sh
# Exit status 0: everything holds. Anything else: a file was changed or is missing.
# VERIFY.md explains each step and how to do it by hand.

LC_ALL=C
export LC_ALL
cd "$(dirname "$0")" || exit 2

fails=0
ok()  { printf 'ok    %s\n' "$*"; }
bad() { printf 'FAIL  %s\n' "$*"; fails=$((fails + 1)); }

for tool in openssl sha256sum awk sed grep; do
    command -v "$tool" >/dev/null 2>&1 || { echo "verify.sh needs $tool"; exit 2; }
done

# Every scalar of a one-line JSON document as "path<TAB>value", e.g. "artifacts.0.sha256<TAB>ab12...".
# Strings keep their JSON escapes; ContractVault writes canonical JSON, one line, sorted keys.
jflat() {
    awk '
    function path(   p, k) {
        p = ""
        for (k = 1; k <= depth; k++) p = p (k > 1 ? "." : "") (typ[k] == "[" ? idx[k] : key[k])
        return p
    }
    {
        s = $0; n = length(s); i = 1; depth = 0
        while (i <= n) {
            c = substr(s, i, 1)
            if (c == "{" || c == "[") {
                depth++; typ[depth] = c; idx[depth] = 0; key[depth] = ""; wantkey[depth] = (c == "{")
                i++; continue
            }
            if (c == "}" || c == "]") { depth--; i++; continue }
            if (c == ",") { if (typ[depth] == "[") idx[depth]++; else wantkey[depth] = 1; i++; continue }
            if (c == ":") { wantkey[depth] = 0; i++; continue }
            if (c == "\"") {
                j = i + 1; v = ""
                while (j <= n) {
                    d = substr(s, j, 1)
                    if (d == "\\") { v = v d substr(s, j + 1, 1); j += 2; continue }
                    if (d == "\"") break
                    v = v d; j++
                }
                i = j + 1
                if (typ[depth] == "{" && wantkey[depth]) { key[depth] = v; continue }
                print path() "\t" v
                continue
            }
            j = i
            while (j <= n && index(",}]", substr(s, j, 1)) == 0) j++
            print path() "\t" substr(s, i, j - i)
            i = j
        }
    }' "$1"
}

TAB=$(printf '\t')

# jread FILE: sets j_seq, j_prev, j_key_id, j_kind, j_vault_id, j_sealed_at, j_head, j_at,
# j_new_key_id, j_ctx_key_id (context.key_id) and j_arts (artifact hashes, one a line)
# from one JSON file: one awk run, values read with `read`, never evaluated.
jread() {
    j_seq=""; j_prev=""; j_key_id=""; j_kind=""; j_vault_id=""; j_sealed_at=""; j_head=""
    j_at=""; j_new_key_id=""; j_ctx_key_id=""; j_arts=""
    [ -f "$1" ] || return 1
    _flat=$(jflat "$1")
    while IFS="$TAB" read -r _k _v; do
        case "$_k" in
            seq) j_seq=$_v ;;
            prev) j_prev=$_v ;;
            key_id) j_key_id=$_v ;;
            kind) j_kind=$_v ;;
            vault_id) j_vault_id=$_v ;;
            sealed_at) j_sealed_at=$_v ;;
            head) j_head=$_v ;;
            at) j_at=$_v ;;
            context.new_key_id) j_new_key_id=$_v ;;
            context.key_id) j_ctx_key_id=$_v ;;
            artifacts.*.sha256) j_arts="$j_arts$_v " ;;
        esac
    done <<END_OF_JSON
$_flat
END_OF_JSON
}

# isnum VALUE: a plain decimal number.
isnum() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }

sha() { _s=$(sha256sum "$1") || return 1; printf '%s' "${_s%% *}"; }

# A key id is the first 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key.
keyid() {
    _hex=$(openssl pkey -pubin -in "$1" -noout -text_pub 2>/dev/null \
        | awk '/^pub:/ { on = 1; next } on { gsub(/[ :]/, ""); printf "%s", $0 }')
    [ ${#_hex} -eq 64 ] || { echo "bad-key"; return; }
    # printf turns \ooo escapes into bytes; awk writes each hex pair as one.
    _d=$(printf "$(printf '%s' "$_hex" | awk '{
        for (i = 1; i <= length($0); i += 2) {
            b = (index("0123456789abcdef", substr($0, i, 1)) - 1) * 16 + index("0123456789abcdef", substr($0, i + 1, 1)) - 1
            printf "\\%03o", b
        }
    }')" | sha256sum)
    _d=${_d%% *}
    printf '%s' "$_d" | sed 's/^\(................\).*/\1/'
}

sigok() { openssl pkeyutl -verify -pubin -inkey "$1" -rawin -in "$2" -sigfile "$3" >/dev/null 2>&1; }

# keyfile ID: prints keys/ID.pem when that file really is key ID (checked once per key).
good_keys=" "
keyfile() {
    case "$1" in ''|*[!0-9a-f]*) return ;; esac
    _f="keys/$1.pem"
    case "$good_keys" in *" $1 "*) echo "$_f"; return ;; esac
    if [ -f "$_f" ] && [ "$(keyid "$_f")" = "$1" ]; then
        good_keys="$good_keys$1 "
        echo "$_f"
    fi
}

echo "ContractVault evidence bundle check"

# 1. Checksums of every file in the bundle.
if [ -f SHA256SUMS ] && sha256sum -c --strict --quiet SHA256SUMS; then
    ok "SHA256SUMS: every file has the content it had when exported"
else
    bad "SHA256SUMS: a file was changed, is missing, or SHA256SUMS itself was changed"
fi

# 2. The sealed record (manifest.json) and its signature.
if [ ! -f manifest.json ] || [ ! -f manifest.sig ] || [ ! -f public-key.pem ]; then
    bad "manifest.json, manifest.sig or public-key.pem is missing"
    echo "RESULT: FAILED"
    exit 1
fi
jread manifest.json
mseq=$j_seq
mkid=$j_key_id
mvault=$j_vault_id
msealed=$j_sealed_at
marts=$j_arts
isnum "$mseq" || bad "manifest.json has no sequence number"
if [ "$(keyid public-key.pem)" = "$mkid" ]; then
    ok "public-key.pem is key $mkid, the key the record names"
else
    bad "public-key.pem is not key $mkid"
fi
if sigok public-key.pem manifest.json manifest.sig; then
    ok "manifest.json (record E-$mseq) is signed by key $mkid"
else
    bad "the signature manifest.sig does not verify: manifest.json was changed"
fi

# 3. Each artifact has exactly the SHA-256 the signed record states.
n=0
set -f  # the hashes are split on spaces, never expanded as file names
set -- $marts
set +f
for want in "$@"; do
    n=$((n + 1))
    num=$(printf '%02d' "$n")
    found=""
    for f in artifacts/"$num"-*; do
        [ -f "$f" ] && found="$f"
    done
    if [ -z "$found" ]; then
        bad "artifact $num is missing"
    elif [ "$(sha "$found")" = "$want" ]; then
        ok "$found has the sealed SHA-256 $want"
    else
        bad "$found does not have the sealed SHA-256 $want"
    fi
done
[ "$n" -gt 0 ] || echo "note  the record seals no files"

# 4. The signing keys: the vault's first key and each rotation, each signed by the key before.
active=""
first_key=""
hist_ok=1
for f in key-history/*.json; do
    [ -f "$f" ] || continue
    jread "$f"
    if ! isnum "$j_seq"; then
        bad "$f has no sequence number"; hist_ok=0; continue
    fi
    [ "$j_seq" -le "$mseq" ] 2>/dev/null || continue
    if [ -z "$active" ]; then
        if [ "$j_kind" != "vault-created" ] || [ "$j_seq" != 1 ]; then
            bad "$f: the key history does not start with the vault-created record"; hist_ok=0
        fi
        active=$j_ctx_key_id
        first_key=$active
    fi
    k=$(keyfile "$j_key_id")
    if [ -z "$k" ] || [ "$j_key_id" != "$active" ] || ! sigok "$k" "$f" "${f%.json}.sig"; then
        bad "$f is not signed by the key that was active ($active)"; hist_ok=0
    fi
    if [ "$j_kind" = "key-rotation" ] && [ "$j_seq" -lt "$mseq" ]; then
        active=$j_new_key_id
    fi
done
if [ -z "$active" ]; then
    bad "key-history/ is missing: the signing key cannot be traced to the vault's first key"
elif [ "$active" = "$mkid" ] && [ "$hist_ok" = 1 ]; then
    ok "key $mkid was the vault's active key at E-$mseq (the vault's first key is $first_key)"
else
    bad "key $mkid was not the vault's active key at E-$mseq (that was $active)"
fi

# 5. The ledger excerpt: E-$mseq up to the checkpoint, each signed, each linked to the one before.
mhash=$(sha manifest.json)
prevhash=""
prevseq=""
cur="$mkid"
count=0
for f in ledger/*.json; do
    [ -f "$f" ] || { bad "ledger/ is empty"; break; }
    count=$((count + 1))
    jread "$f"
    fhash=$(sha "$f")
    if ! isnum "$j_seq" || [ "${f#ledger/}" != "$(printf '%06d' "$j_seq").json" ]; then
        bad "$f does not hold the record its name says"
    fi
    if [ "$count" -eq 1 ]; then
        [ "$fhash" = "$mhash" ] || bad "$f (the first excerpt record) is not manifest.json"
    else
        if ! isnum "$prevseq" || [ "$j_seq" != "$((prevseq + 1))" ]; then
            bad "$f: E-$j_seq does not follow E-$prevseq"
        fi
        [ "$j_prev" = "$prevhash" ] || bad "$f: its prev link is not the SHA-256 of E-$prevseq"
    fi
    [ "$j_vault_id" = "$mvault" ] || bad "$f belongs to another vault"
    [ "$j_key_id" = "$cur" ] || bad "$f is signed by key $j_key_id, but $cur was active"
    k=$(keyfile "$j_key_id")
    if [ -z "$k" ] || ! sigok "$k" "$f" "${f%.json}.sig"; then
        bad "$f: its signature does not verify"
    fi
    if [ "$j_kind" = "key-rotation" ] && [ "$j_key_id" = "$cur" ]; then
        cur=$j_new_key_id
    fi
    prevhash=$fhash
    prevseq=$j_seq
done
[ "$count" -gt 0 ] && ok "ledger excerpt: $count record(s) E-$mseq..E-$prevseq, signed and hash-linked"

# 6. The checkpoint: signed, and its head is the last excerpt record.
if [ -f checkpoint.json ] && [ -f checkpoint.sig ]; then
    jread checkpoint.json
    k=$(keyfile "$j_key_id")
    if [ -n "$k" ] && sigok "$k" checkpoint.json checkpoint.sig; then
        ok "checkpoint.json is signed by key $j_key_id"
    else
        bad "checkpoint.sig does not verify: checkpoint.json was changed"
    fi
    [ "$j_vault_id" = "$mvault" ] || bad "checkpoint.json belongs to another vault"
    if [ "$j_seq" = "$prevseq" ] && [ "$j_head" = "$prevhash" ]; then
        ok "checkpoint of $j_at names E-$j_seq with hash $j_head, the last excerpt record"
    else
        bad "checkpoint.json (E-$j_seq, $j_head) does not match the last excerpt record (E-$prevseq, $prevhash)"
    fi
else
    bad "checkpoint.json or checkpoint.sig is missing"
fi

# 7. The RFC 3161 timestamp tokens over the record hash, one from each TSA, if there are any.
ntok=0
for t in timestamp.tsr timestamp-*.tsr; do
    [ -f "$t" ] || continue
    ntok=$((ntok + 1))
    if [ ! -f tsa-ca.pem ]; then
        bad "$t is here but tsa-ca.pem is missing"
        continue
    fi
    text=$(openssl ts -reply -in "$t" -text 2>/dev/null)
    gen=$(printf '%s\n' "$text" | grep '^Time stamp:' | sed 's/^Time stamp: *//')
    tsa=$(printf '%s\n' "$text" | grep '^TSA:' | sed 's/^TSA: *//')
    [ -n "$tsa" ] || tsa="(the token does not name its TSA)"
    if openssl ts -verify -digest "$mhash" -in "$t" -CAfile tsa-ca.pem >/dev/null 2>&1; then
        ok "$t: a TSA certified that E-$mseq ($mhash) existed at $gen (TSA: $tsa)"
    else
        bad "$t (TSA $tsa) does not verify for the SHA-256 of manifest.json ($mhash)"
    fi
done
if [ "$ntok" -eq 0 ]; then
    echo "note  no timestamp token: the sealing time $msealed rests on the vault's local clock"
fi

if [ "$fails" -eq 0 ]; then
    echo "RESULT: OK - E-$mseq of vault $mvault is intact"
    exit 0
fi
echo "RESULT: FAILED - $fails check(s) did not hold"
exit 1
