"""A real SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd, importable
only by /usr/bin/python3) saving each message it receives as NNNN.eml in a
directory. usage: /usr/bin/python3 smtp_sink.py PORT DIR"""
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, out):
        self.out = out
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            name = os.path.join(self.out, f"{self.n:05d}.eml")
        tmp = name + ".tmp"
        with open(tmp, "wb") as f:
            f.write(envelope.content)
        os.replace(tmp, name)  # readers never see half a message
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    c = Controller(Save(out), hostname="127.0.0.1", port=port)
    c.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


if __name__ == "__main__":
    main()
