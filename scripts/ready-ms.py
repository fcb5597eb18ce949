#!/usr/bin/env python3
"""Milliseconds from starting a server to its first answer: starts the command, then asks
URL (a GET) every millisecond until any HTTP status comes back; prints the milliseconds
and the server's pid, and leaves it running (the caller stops it).

  scripts/ready-ms.py URL CMD [ARG...]   ->   "<ms> <pid>"
"""

import http.client
import subprocess
import sys
import time
import urllib.parse


def main():
    url, cmd = sys.argv[1], sys.argv[2:]
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.monotonic() - started < 30:
        if proc.poll() is not None:
            sys.exit(f"{cmd[0]} exited with {proc.returncode} before answering")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1)
            conn.request("GET", parts.path or "/")
            conn.getresponse().read()
            conn.close()
            print(f"{(time.monotonic() - started) * 1000:.1f} {proc.pid}")
            return
        except OSError:
            time.sleep(0.001)
    proc.kill()
    sys.exit(f"{cmd[0]} did not answer {url} within 30 s")


if __name__ == "__main__":
    main()
