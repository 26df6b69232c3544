# shellcheck shell=bash
# Sourced by the bench scripts (run.sh, import.sh, create_ab.sh).
# free_port [N]: a free port with the N-1 after it free too (the suite's
# admin ports follow the gateway's: scripts/run.sh).
free_port() {
  python3 -c '
import socket, sys
n = int(sys.argv[1])
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    held = []
    try:
        for q in range(p, p + n):
            t = socket.socket(); t.bind(("127.0.0.1", q)); held.append(t)
        print(p)
        break
    except OSError:
        pass
    finally:
        for t in held:
            t.close()' "${1:-1}"
}
