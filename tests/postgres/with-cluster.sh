#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster: made in a temporary directory,
# owned by an unprivileged user, listening on loopback only, removed on exit. The
# command finds it in GLEANER_TEST_POSTGRES (a superuser URL; tests create a fresh
# database each). The server takes TLS as well as plain connections, with a certificate
# for 127.0.0.1 and localhost from a throwaway CA whose PEM is in
# GLEANER_TEST_POSTGRES_CA. PostgreSQL and openssl come from Debian packages, installed
# when missing.
#
#   tests/postgres/with-cluster.sh cargo test --workspace --release --locked
set -euo pipefail

find_bin() {
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    # Debian keeps the server's programs off PATH, one directory per major version.
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# Installs Debian packages: as root, or through sudo for a user who may use it.
apt_install() {
    local as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    if ! command -v apt-get >/dev/null || { [ ${#as_root[@]} -gt 0 ] && ! command -v sudo >/dev/null; }; then
        echo "with-cluster: $* not installed; install the Debian packages" \
            "(apt-get install $*) and run again" >&2
        exit 2
    fi
    echo "with-cluster: installing $* from Debian packages" >&2
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

bin=$(find_bin)
if [ -z "$bin" ]; then
    apt_install postgresql
    bin=$(find_bin)
fi
command -v openssl >/dev/null || apt_install openssl

dir=$(mktemp -d -t gleaner-pg.XXXXXX)
# The server refuses to run as root: the cluster belongs to an unprivileged user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$dir"
    as_owner=(runuser -u nobody --)
fi

stop() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

# A throwaway CA and the server's certificate (EC keys: quick to make), valid a day.
tls="$dir/tls"
mkdir "$tls"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj "/CN=gleaner test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$tls/openssl.log" &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" \
        2>>"$tls/openssl.log" &&
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
        "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$tls/server.ext" &&
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -CAserial "$tls/ca.srl" -days 1 -extfile "$tls/server.ext" \
        -out "$tls/server.pem" 2>>"$tls/openssl.log" ||
    { cat "$tls/openssl.log" >&2; exit 1; }
# The server refuses a key that others may read; the cluster's user must own it.
chmod 0600 "$tls/server.key"
[ ${#as_owner[@]} -eq 0 ] || chown nobody "$tls/server.key"

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U gleaner --auth=trust -E UTF8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

# A free port: a few tries, in case another process takes the one picked.
started=
for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200 \
            -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" \
        start >/dev/null; then
        started=1
        break
    fi
done
if [ -z "$started" ]; then
    echo "with-cluster: the PostgreSQL server did not start:" >&2
    cat "$dir/server.log" >&2
    exit 1
fi

export GLEANER_TEST_POSTGRES="postgres://gleaner@127.0.0.1:$port/postgres"
export GLEANER_TEST_POSTGRES_CA="$tls/ca.pem"
# With a server here, a PostgreSQL test that finds none is a failure, not a skip.
export GLEANER_REQUIRE_POSTGRES=1
echo "with-cluster: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
