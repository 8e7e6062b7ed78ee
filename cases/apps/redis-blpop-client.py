#!/usr/bin/env python3
"""A Redis worker as many are written with redis-py: it waits for jobs with
BLPOP and a 2 s server-side timeout, in a loop, with a client-side read timeout
(socket_timeout) longer than that. crashlab starts it against a real Redis
server (cases/apps/redis-blocked-client-read-timeout.json)."""
import sys

import redis

host, port, read_timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
r = redis.Redis(host=host, port=port, socket_timeout=read_timeout)
print("connected: ping %s" % r.ping(), flush=True)
while True:
    try:
        r.blpop("jobs", timeout=2)
    except redis.exceptions.TimeoutError as e:
        print("redis read timed out: %s" % e, flush=True)
        sys.exit(1)
    except redis.exceptions.ConnectionError as e:
        print("redis connection lost: %s" % e, flush=True)
        sys.exit(1)
