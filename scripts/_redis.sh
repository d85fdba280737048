# A throwaway Redis on 127.0.0.1 for the tests (the scale-out test, the queue tests).
# Sourced by scripts/test. start_redis exports CAMP_TEST_REDIS_URL; stop_redis (call it from
# the caller's EXIT trap) stops it and removes its folder. Nothing is saved to disk.
start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
  REDIS_TMP=$(mktemp -d /tmp/samskab-redis.XXXXXX)
  local port
  port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --daemonize yes --pidfile "$REDIS_TMP/redis.pid" --dir "$REDIS_TMP" \
    --logfile "$REDIS_TMP/redis.log" >/dev/null
  local i
  for i in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export CAMP_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
  # Stop it on exit, besides whatever the EXIT trap already does (stop_postgres).
  local previous
  previous=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  trap "stop_redis${previous:+; $previous}" EXIT INT TERM
}

stop_redis() {
  if [ -n "${REDIS_TMP:-}" ] && [ -f "$REDIS_TMP/redis.pid" ]; then
    kill "$(cat "$REDIS_TMP/redis.pid")" 2>/dev/null || true
    for _ in $(seq 50); do
      [ -f "$REDIS_TMP/redis.pid" ] || break  # redis removes its pidfile on exit
      sleep 0.1
    done
  fi
  [ -n "${REDIS_TMP:-}" ] && rm -rf "$REDIS_TMP"
  REDIS_TMP=
}
