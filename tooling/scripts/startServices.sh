#!/usr/bin/env bash
# Starts the real services the integration tests use when they are down (Redis 6379, PostgreSQL 5432).
# MongoDB-wire (jongodb) is started by the vitest global setup itself.
set -uo pipefail

redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if ! redis_up; then
  echo "services: Redis is down on 127.0.0.1:6379, starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || echo "services: !!! could not start Redis"
fi
if ! pg_up; then
  echo "services: PostgreSQL is down on 127.0.0.1:5432, starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || echo "services: !!! could not start PostgreSQL"
fi
for _ in $(seq 1 50); do redis_up && pg_up && break; sleep 0.2; done
redis_up && echo "services: Redis up" || echo "services: !!! Redis NOT reachable on 127.0.0.1:6379"
pg_up && echo "services: PostgreSQL up" || echo "services: !!! PostgreSQL NOT reachable on 127.0.0.1:5432"
