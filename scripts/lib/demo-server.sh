# Sourced by the gate scripts: builds zothuis and starts it with demo data on
# a free loopback port in a temporary data directory; stops it on exit.
# Sets BIN, DIR, PORT and BASE. A script that defines the function
# demo_config gets its output as the server's configuration file (it may
# use PORT and BASE).
cargo build -q -p zothuis
BIN="${CARGO_TARGET_DIR:-target}/debug/zothuis"
DIR="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
CONFIG_ARGS=()
if declare -F demo_config >/dev/null; then
  demo_config >"$DIR/zothuis.toml"
  CONFIG_ARGS=(--config "$DIR/zothuis.toml")
fi
env -u ZOTHUIS__DATABASE__URL "$BIN" serve "${CONFIG_ARGS[@]}" --demo --data-dir "$DIR" --bind "127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
# Stop the server and wait until it has exited (it writes its last audit
# checkpoint on shutdown) before removing its data directory.
stop_demo_server() {
  kill "$SERVER" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DIR"
}
trap stop_demo_server EXIT
python3 - "$BASE/inloggen" <<'PY'
import sys, time, urllib.request
for _ in range(240):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.5)
sys.exit("zothuis startte niet binnen twee minuten")
PY
