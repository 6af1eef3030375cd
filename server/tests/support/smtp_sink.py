"""A handler for aiosmtpd (a real SMTP server) that keeps every message it accepts in a
Maildir, and answers like a real mail server does for two kinds of recipient: a local part
starting with "bounce" is refused for good (550), one starting with "later" for now (451).

    python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c smtp_sink.Sink /path/to/maildir
"""
import mailbox
import os


class Sink:
    def __init__(self, maildir):
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        self.box = mailbox.Maildir(maildir, create=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes the Maildir path")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 <%s>: Recipient address rejected: user unknown" % address
        if address.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"
