#!/usr/bin/env bash
# The certificates for mTLS between the app and the Temporal server, made with
# openssl from one private certificate authority:
#   ca.pem / ca-key.pem                  the CA (10 years); ca-key.pem never leaves this folder
#   temporal-server.pem / -key.pem       the Temporal server: frontend and internode (serverAuth
#                                        and clientAuth: its services call each other)
#   worker.pem, api.pem, ui.pem, cli.pem client certificates (-key.pem beside each) for the
#                                        workers, the API processes, the Temporal UI and operators
# Leaf certificates last LEAF_DAYS (default 397). Existing files are kept, so
# re-running only fills in what is missing.
#
# usage: make-certs.sh DIR [--renew] [--server-names "temporal localhost 127.0.0.1"]
#   --renew   re-issue every leaf certificate with the existing CA (rotation; see README "Deploying")
# The server certificate names: TEMPORAL_TLS_SERVER_NAMES (space separated DNS
# names and IPs) or --server-names; clients verify the name in TEMPORAL_TLS_SERVER_NAME.
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR [--renew] [--server-names NAMES]}; shift
renew=false
server_names=${TEMPORAL_TLS_SERVER_NAMES:-"temporal localhost 127.0.0.1"}
while [ $# -gt 0 ]; do
  case "$1" in
    --renew) renew=true ;;
    --server-names) server_names=${2:?}; shift ;;
    *) echo "make-certs: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
leaf_days=${LEAF_DAYS:-397}
command -v openssl >/dev/null || { echo "make-certs: openssl is required (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$dir"; chmod 700 "$dir"
cd "$dir"
umask 077

if [ ! -f ca.pem ] || [ ! -f ca-key.pem ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca-key.pem -out ca.pem -days 3650 -subj "/O=Common Ground/CN=Common Ground Temporal CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 644 ca.pem
fi

san_list() {
  local entry list=()
  for entry in $server_names; do
    if [[ $entry =~ ^[0-9.]+$ || $entry == *:* ]]; then list+=("IP:$entry"); else list+=("DNS:$entry"); fi
  done
  local IFS=,; echo "${list[*]}"
}

# issue NAME COMMON_NAME EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
issue() {
  local name=$1 cn=$2 usage=$3 sans=${4:-}
  if [ "$renew" = false ] && [ -f "$name.pem" ] && [ -f "$name-key.pem" ]; then return; fi
  local ext; ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$ext"
  # PKCS#8 keys: both the Node gRPC client and the Rust core bridge read them.
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$name-key.pem" -out "$name.csr" -subj "/O=Common Ground/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
    -out "$name.pem" -days "$leaf_days" -extfile "$ext" 2>/dev/null
  rm -f "$name.csr" "$ext"
  # Readable by the service accounts that run the processes (the folder itself is private).
  chmod 644 "$name.pem" "$name-key.pem"
  echo "make-certs: issued $name.pem (CN=$cn, $leaf_days days)" >&2
}

issue temporal-server temporal serverAuth,clientAuth "$(san_list)"
for client in worker api ui cli; do
  issue "$client" "common-ground-$client" clientAuth
done
