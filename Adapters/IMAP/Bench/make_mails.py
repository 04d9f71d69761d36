"""Writes benchmark mails into a maildir's new/ folder (CRLF, owned by the mail user).

make_mails.py MAILDIR COUNT            -> COUNT varied mails (plain, HTML alternative, replies, attachments)
make_mails.py MAILDIR 1 --big MEGABYTES -> one mail with an attachment of about MEGABYTES
"""
import base64, os, random, sys
from email.message import EmailMessage
from email.policy import SMTP

maildir, count = sys.argv[1], int(sys.argv[2])
big = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--big" else None
rng = random.Random(4)
words = ("kettle heater boiler leak noise broken refund delivery late invoice wrong charge engineer visit "
         "again third time please call tomorrow morning urgent warranty").split()

def sentence(n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."

for i in range(count):
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"Customer {i % 300} <customer{i % 300}@example.com>"
    msg["To"] = "support@example.com"
    msg["Subject"] = ("Re: " if i % 3 == 0 else "") + f"Complaint {i}: " + sentence(4)
    msg["Date"] = "Mon, 2 Mar 2026 10:00:00 +0000"
    msg["Message-ID"] = f"<bench-{i}@example.com>"
    text = "\n\n".join(sentence(rng.randint(8, 30)) for _ in range(rng.randint(2, 12)))
    if i % 3 == 0:
        msg["In-Reply-To"] = f"<bench-{max(i - 3, 0)}@example.com>"
        text += "\n\nOn Mon, 2 Mar 2026, Support wrote:\n" + "\n".join("> " + sentence(12) for _ in range(10))
    if big:
        msg.set_content("Photos of the damage attached.")
        msg.add_attachment(os.urandom(int(big * 1024 * 1024 * 3 / 4)), maintype="application",
                           subtype="octet-stream", filename="photos.zip")
    else:
        msg.set_content(text)
        if i % 4 == 1:
            msg.add_alternative("<html><body><p>" + text.replace("\n\n", "</p><p>") + "</p></body></html>", subtype="html")
        if i % 10 == 2:
            msg.add_attachment(bytes(rng.getrandbits(8) for _ in range(6000)), maintype="image", subtype="png",
                               filename="photo.png")
    data = msg.as_bytes()
    name = f"{1795430000 + i}.bench{i}.host"
    path = os.path.join(maildir, "tmp", name)
    with open(path, "wb") as f:
        f.write(data)
    os.chown(path, 65534, 65534)
    os.rename(path, os.path.join(maildir, "new", name))
