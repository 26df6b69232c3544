"""Our outgoing Message-IDs carry a keyed MAC (proto/mail.proto). Tests that
play a mail client answering our mail compute it as notifications does:
libsodium's crypto_kdf subkey "mail_mid" of the suite's cluster key, then a
keyed BLAKE2b of the text before the MAC, cut to 12 bytes."""
import hashlib
import os
import re


def cluster_key(data_dir):
    with open(os.path.join(data_dir, "cluster.key"), "rb") as f:
        raw = f.read().strip()
    return bytes.fromhex(raw.decode()) if len(raw) == 64 else raw


def subkey(key, context, sub_id=0, size=32):
    """crypto_kdf_derive_from_key (libsodium's BLAKE2b KDF)."""
    salt = sub_id.to_bytes(8, "little") + bytes(8)
    person = context.encode() + bytes(8)
    return hashlib.blake2b(b"", digest_size=size, key=key, salt=salt, person=person).digest()


def obj_mac(key, context, msg, nbytes):
    """hd_obj_mac_hex."""
    k = subkey(key, context)
    return hashlib.blake2b(msg, digest_size=32, key=k).digest()[:nbytes].hex()


def message_id(data_dir, head, domain="hana.local"):
    """<head.{mac}@domain>, head being "hd.t.{ticket}.{unique}" or the sc form."""
    mac = obj_mac(cluster_key(data_dir), "mail_mid", head.encode(), 12)
    return f"<{head}.{mac}@{domain}>"


_SIGN = re.compile(rb"(hd\.(?:t|sc\.[0-9]+)\.[0-9]+\.[A-Za-z0-9]+)\.\{\{mac\}\}")


def sign(raw, data_dir):
    """Fill each "hd.….{{mac}}" placeholder of a fixture with the real MAC."""
    key = cluster_key(data_dir)
    return _SIGN.sub(lambda m: m.group(1) + b"." + obj_mac(key, "mail_mid", m.group(1), 12).encode(), raw)
