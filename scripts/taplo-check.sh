#!/usr/bin/env bash
# Validate scenario files with Taplo, the TOML toolkit behind Even Better TOML,
# against scenario.schema.json: the check an editor user actually gets.
#
#   scripts/taplo-check.sh
#
# What it does:
#   1. Installs @taplo/cli (exact version below) with npm into target/taplo/
#      (git-ignored, like all of target/). Reused when already there, so a
#      second run is fast; `cargo clean` removes it.
#   2. Runs `taplo check` on every scenarios/*.toml, scenarios/overlays/*.toml and examples/overlays/*.toml
#      (through its `#:schema` directive, which must resolve to the
#      repository's schema) and on src/cli/starter.toml (no directive: given
#      `--schema file://.../scenario.schema.json` explicitly). Overlay files
#      pass because the schema asks for required keys only in a file without
#      `extends`.
#   3. Proves the check is real: three deliberately bad files written to a temp
#      dir (two through a `#:schema` directive, one through `--schema`) must be
#      rejected by schema validation with the expected message; one of them
#      lacks `[score]` and has no `extends`, so the overlay exception is tested.
#   Exits non-zero on any failure and says what failed.
#
# Taplo never touches the network here: schema catalogs are off (no
# --default-schema-catalogs), no Taplo config file is read (--no-auto-config,
# TAPLO_CONFIG unset), and the schema is a local file. Where `unshare -rn`
# works, Taplo even runs in an empty network namespace.
#
# Needs: node and npm (present on these machines) and, for the first run, the
# npm registry. A missing node/npm is an error; POINTSIM_SKIP_TAPLO=1 turns it
# into a skip (exit 0).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

TAPLO_VERSION=0.7.0 # npm package @taplo/cli (it bundles taplo 0.9.x)
prefix="$root/target/taplo"
taplo="$prefix/node_modules/.bin/taplo"
schema="$root/scenario.schema.json"

fail() { printf 'taplo-check: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        if [[ "${POINTSIM_SKIP_TAPLO:-}" == 1 ]]; then
            echo "taplo-check: SKIPPED: '$tool' not found and POINTSIM_SKIP_TAPLO=1" >&2
            exit 0
        fi
        fail "'$tool' not found; the Taplo check needs node and npm (set POINTSIM_SKIP_TAPLO=1 to skip it)"
    fi
done

# --- 1. install (or reuse) ----------------------------------------------------
installed() {
    node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
        "$prefix/node_modules/@taplo/cli/package.json" "$TAPLO_VERSION" 2>/dev/null && [[ -x "$taplo" ]]
}
if ! installed; then
    echo "taplo-check: installing @taplo/cli@$TAPLO_VERSION into target/taplo/"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund \
        --loglevel=error "@taplo/cli@$TAPLO_VERSION" ||
        fail "npm could not install @taplo/cli@$TAPLO_VERSION (is the npm registry reachable?)"
    installed || fail "@taplo/cli@$TAPLO_VERSION is not in $prefix after npm install"
fi

# --- how Taplo is run -----------------------------------------------------------
unset TAPLO_CONFIG
sandbox=()
if command -v unshare >/dev/null 2>&1 && unshare -rn true 2>/dev/null; then
    sandbox=(unshare -rn) # no network at all, to be sure
fi
# taplo check [args...]; never --verbose (the wasm build panics on timestamps)
run_taplo() { "${sandbox[@]}" "$taplo" check --no-auto-config --colors never "$@"; }

failures=()

# --- 2. reference scenarios (#:schema) and the starter template (--schema) -----
# Files with a directive are checked in one Taplo run (each run loads a large
# wasm module); Taplo names every invalid file in its output.
check() { # label taplo-args...
    local label=$1 out bad
    shift
    if out=$(run_taplo "$@" 2>&1); then
        echo "ok    $label"
    else
        printf '%s\n' "$out" >&2
        # Taplo ends with `invalid file error=... path="..."` for each bad file
        bad=$(sed -n 's/.*invalid file error=\(.*\) path="\(.*\)".*/\2: \1/p' <<<"$out")
        echo "FAIL  $label" >&2
        failures+=("${bad:-$label}")
    fi
}
shopt -s nullglob
with_directive=()
for f in scenarios/*.toml scenarios/overlays/*.toml examples/overlays/*.toml src/cli/starter.toml; do
    directive=$(sed -n 's/^#:schema[[:space:]]*//p' "$f" | head -n 1)
    if [[ -z "$directive" ]]; then
        check "$f (--schema)" --schema "file://$schema" "$f"
        continue
    fi
    # the directive is resolved relative to the file; it must be our schema
    target=$(cd "$(dirname "$f")" && realpath -m -- "$directive")
    if [[ "$target" != "$schema" ]]; then
        echo "FAIL  $f: '#:schema $directive' points to $target, not $schema" >&2
        failures+=("$f (wrong #:schema)")
        continue
    fi
    with_directive+=("$f")
done
[[ ${#with_directive[@]} -gt 0 ]] || fail "no scenarios/*.toml with a #:schema directive found"
check "${with_directive[*]} (#:schema)" "${with_directive[@]}"

# --- 3. the check must reject bad files ------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# a misspelt key in a [[rule]], found through a #:schema directive
{
    echo "#:schema $schema"
    cat <<'EOF'
[scenario]
name = "bad"
steps = 1

[score]
start = 0

[population]
size = 1

[[rule]]
id = "typo"
pionts = 3
rate = 1.0
EOF
} >"$tmp/bad_key.toml"
# a complete scenario (no `extends`) still needs its tables: overlays are the only exception
{
    echo "#:schema $schema"
    printf '[scenario]\nname = "bad"\nsteps = 1\n\n[population]\nsize = 1\n'
} >"$tmp/no_score.toml"
# a string where a rate is due, found through --schema (the starter's way)
sed 's/^rate = 1\.0 /rate = "high" /' src/cli/starter.toml >"$tmp/bad_rate.toml"
grep -q '^rate = "high"' "$tmp/bad_rate.toml" || fail "could not make the bad-rate file from src/cli/starter.toml"

expect_rejected() { # file expected-message taplo-args...
    local file=$1 want=$2 out
    shift 2
    if out=$(run_taplo "$@" 2>&1); then
        printf '%s\n' "$out" >&2
        echo "FAIL  Taplo accepted the bad file $(basename "$file")" >&2
        failures+=("bad file $(basename "$file") accepted")
    elif ! grep -qF -- "$want" <<<"$out" || ! grep -qF 'schema validation failed' <<<"$out"; then
        printf '%s\n' "$out" >&2
        echo "FAIL  Taplo rejected $(basename "$file") but not with: $want" >&2
        failures+=("bad file $(basename "$file") rejected for another reason")
    else
        echo "ok    bad file $(basename "$file") rejected: $want"
    fi
}
expect_rejected "$tmp/bad_key.toml" "'pionts' was unexpected" "$tmp/bad_key.toml"
expect_rejected "$tmp/no_score.toml" '"score" is a required property' "$tmp/no_score.toml"
expect_rejected "$tmp/bad_rate.toml" '"high" is not of type "number"' \
    --schema "file://$schema" "$tmp/bad_rate.toml"

if [[ ${#failures[@]} -gt 0 ]]; then
    printf 'taplo-check: FAILED:\n' >&2
    printf '  %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "taplo-check: all files valid for Taplo $TAPLO_VERSION; bad files rejected"
