#!/usr/bin/env python3
"""Drives the runtime examples as a client would.

    examples_test.py echo PATH/TO/runtime-echo
    examples_test.py http PATH/TO/runtime-http

Exits non-zero with a message naming the first check that failed."""
import os
import signal
import socket
import subprocess
import sys
import time


SERVERS = []


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    for proc in SERVERS:  # never leave a server behind holding ctest's pipe
        proc.kill()
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    SERVERS.append(proc)
    line = proc.stdout.readline()
    if not line:
        fail(f"{cmd[0]} exited before saying it was ready (code {proc.wait()})")
    return proc, line


def stop(proc):
    proc.send_signal(signal.SIGTERM)  # through the loop's signalfd
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("server did not stop on SIGTERM")
    if code != 0:
        fail(f"server exited with {code} after SIGTERM")


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            fail(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def test_echo(binary):
    port = free_port()
    proc, _ = start([binary, str(port)])
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    for i, s in enumerate(socks):
        payload = bytes((i * 7 + k) % 256 for k in range(100_000))
        s.sendall(payload)
        if recv_exact(s, len(payload)) != payload:
            fail(f"connection {i}: echo differs")
    for s in socks:
        s.close()
    stop(proc)


def read_response(f, head=False):
    status = f.readline()
    if not status:
        return None
    headers = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b"" if head else f.read(int(headers.get("content-length", "0")))
    return status.decode().split(" ", 2)[1], headers, body


def test_http(binary):
    proc, line = start([binary, "0"])
    port = int(line.rsplit(":", 1)[1].strip().strip("/"))

    # Keep-alive with pipelining: three requests in one write, one connection.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
              b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /primes?n=100000 HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
    f = s.makefile("rb")
    status, _, body = read_response(f)
    if status != "200" or body != b"hello, world\n":
        fail(f"/hello: {status} {body!r}")
    status, headers, body = read_response(f, head=True)
    if status != "200" or int(headers["content-length"]) == 0:
        fail(f"HEAD /: {status} {headers} {body!r}")
    status, _, body = read_response(f)
    if status != "200" or body != b"primes below 100000: 9592\n":
        fail(f"/primes (offloaded): {status} {body!r}")
    status, _, body = read_response(f)
    if status != "200" or b'"requests": 4' not in body:
        fail(f"/stats: {status} {body!r}")

    # Still open (keep-alive): a 404, then a bad request gets 400 and a close.
    s.sendall(b"GET /nope HTTP/1.1\r\n\r\n")
    status, _, _ = read_response(f)
    if status != "404":
        fail(f"/nope: {status}")
    s.sendall(b"this is not http\r\n\r\n")
    status, headers, _ = read_response(f)
    if status != "400" or headers.get("connection") != "close":
        fail(f"garbage: {status} {headers}")
    if f.read(1) != b"":
        fail("connection not closed after 400")
    s.close()

    checks = [
        (b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "405"),
        (b"GET / HTTP/2.0\r\n\r\n", "501"),
        (b"GET / HTTP/1.1\r\nBad Header\r\n\r\n", "400"),
        (b"GET /primes?n=abc HTTP/1.1\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n", "431"),
    ]
    for request, want in checks:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(request)
            got = read_response(c.makefile("rb"))
            if got is None or got[0] != want:
                fail(f"{request[:30]!r}...: want {want}, got {got and got[0]}")

    # HTTP/1.0 without keep-alive: answered, then closed.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
        c.sendall(b"GET /hello HTTP/1.0\r\n\r\n")
        cf = c.makefile("rb")
        if read_response(cf)[0] != "200" or cf.read(1) != b"":
            fail("HTTP/1.0 request not answered then closed")
    stop(proc)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("echo", "http"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    {"echo": test_echo, "http": test_http}[sys.argv[1]](sys.argv[2])
    print("ok")
