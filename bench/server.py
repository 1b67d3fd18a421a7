#!/usr/bin/env python3
"""Change-to-diagnostics time of `async-lint server` (issue 13), driven over stdio as an
editor would: open FILE of CRATE, then edit it N times so that a finding appears and
disappears in turn, and time each change from the `didChange` sent to the
`publishDiagnostics` received for it. Prints one markdown table row per measurement.

    bench/server.py BIN CRATE FILE [RUNS] [DEBOUNCE_MS]
"""
import json
import os
import statistics
import subprocess
import sys
import time

PROBE = "\nasync fn async_lint_bench_probe() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n"


def main():
    binary, crate, file = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    debounce = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    # The pause before each change: a typist's gap (the server idle), or 0 for changes
    # back to back (each sent as soon as the last one's diagnostics arrive).
    pause = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    crate = os.path.realpath(crate)
    path = os.path.join(crate, file)
    uri = "file://" + path
    text = open(path, encoding="utf-8").read()
    server = subprocess.Popen([binary, "server"], cwd=crate, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive():
        length = None
        while True:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("the server ended")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(server.stdout.read(length))

    def diagnostics():
        while True:
            message = receive()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": "file://" + crate, "capabilities": {},
        "initializationOptions": {"debounceMs": debounce}}})
    while receive().get("id") != 1:
        pass
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    started = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "rust", "version": 1, "text": text}}})
    base = len(diagnostics())
    opened = time.perf_counter() - started

    def cpu():
        # The server's user + system time so far, in ms (a measure the machine's load
        # does not inflate).
        fields = open(f"/proc/{server.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    times = []
    cpus = []
    for run in range(runs):
        before = cpu()
        probe = run % 2 == 0
        time.sleep(pause / 1000)
        started = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": run + 2},
            "contentChanges": [{"text": text + PROBE if probe else text}]}})
        while True:
            found = diagnostics()
            if len(found) == base + (1 if probe else 0):
                break
        times.append((time.perf_counter() - started) * 1000)
        cpus.append(cpu() - before)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    while receive().get("id") != 2:
        pass
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    server.wait(timeout=30)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    size = os.path.getsize(path) // 1024
    print(f"| server: change to diagnostics, {os.path.basename(crate)}/{file} ({size} KiB), "
          f"debounce {debounce} ms, {pause} ms between changes | median {statistics.median(times):.0f} ms, p90 {p90:.0f} ms "
          f"(CPU time median {statistics.median(cpus):.0f} ms; {runs} changes; first diagnostics "
          f"after open {opened * 1000:.0f} ms) |")


if __name__ == "__main__":
    main()
