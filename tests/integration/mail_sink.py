"""The real SMTP server of the mail tests (smtp_sink.py on aiosmtpd) in
its own process, and the mail it has taken: one file a message."""
import contextlib
import email
import email.policy
import glob
import os
import signal
import socket
import subprocess

from harness import free_port, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))


class Sink:
    def __init__(self, dir_, port=None):
        self.dir = os.path.join(dir_, "mail")
        os.makedirs(self.dir)
        self.port = port or free_port()
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "smtp_sink.py"),
                                      str(self.port), self.dir])
        wait_until(self._up, 10, "smtp sink")

    def _up(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.2).close()
            return True
        except OSError:
            return False

    def messages(self):
        out = []
        for p in sorted(glob.glob(os.path.join(self.dir, "*.eml"))):
            with open(p, "rb") as f:
                out.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return out

    def to(self, addr):
        return [m for m in self.messages() if addr in str(m["To"])]

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


@contextlib.contextmanager
def sink_for(s):
    """A Sink in suite s's directory that s's services send their mail to
    (enter it before s.start()); closed on leaving."""
    sink = Sink(s.dir)
    s.env["HD_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
    try:
        yield sink
    finally:
        sink.close()
