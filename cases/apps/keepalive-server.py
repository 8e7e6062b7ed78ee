#!/usr/bin/env python3
"""A server of your own, as cases/apps/own-server-keepalive.json runs it: it
accepts one connection, turns keepalive on with its own settings, and reads
until the connection ends, printing what it saw. crashlab reads the keepalive
settings from its socket; it is told nothing else about this program."""
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((host, port))
listener.listen(1)
print("listening on port %d" % port, flush=True)

conn, peer = listener.accept()
conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 2)
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 4)
print("client connected from %s port %d" % peer[:2], flush=True)
try:
    while conn.recv(4096):
        pass
    print("client closed the connection", flush=True)
except OSError as e:
    print("lost the client: %s" % e.strerror, flush=True)
    sys.exit(1)
