"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: every accepted message, parsed; `gate` holds RCPT until set."""

    def __init__(self):
        self.messages = []
        self.gate = None
        self.waiting = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.gate is not None:
            self.waiting.set()
            while not self.gate.is_set():
                import asyncio

                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def start_smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.controller = controller
    mailbox.port = controller.port
    return mailbox
