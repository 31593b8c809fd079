"""Event storm: create and close a socket N times (one `socket.__new__` each)."""
import socket
import sys

n = int(sys.argv[1])
for _ in range(n):
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
