#!/usr/bin/env python3
"""Usage: keytool.py ds OWNER "DNSKEY-RDATA" DIGEST-TYPE
       keytool.py rrsig-a KEY.pem "DNSKEY-RDATA" OWNER TTL ADDRESS INCEPTION EXPIRATION

The two things the lab needs that dnssec-dsfromkey and the signers refuse to do:

ds       a DS record for any DNSKEY (RFC 4034 §5.1.4), including a private-algorithm (253) key and
         digest types the BIND tools do not offer (6, SM3); digest types 1, 2, 4 and 6.
rrsig-a  an RRSIG over a one-record A RRset made with an Ed25519 key whose DNSKEY lacks the zone-key
         bit (flags 0), which dnssec-signzone and ldns-signzone skip. The signer is OWNER's parent
         zone; INCEPTION and EXPIRATION are seconds since the epoch. Signs with `openssl pkeyutl`.

DNSKEY-RDATA is the presentation form: "FLAGS PROTOCOL ALGORITHM BASE64...". Output is one record
in zone-file text.
"""
import base64
import hashlib
import ipaddress
import struct
import subprocess
import sys
import tempfile
import time

DIGESTS = {1: "sha1", 2: "sha256", 4: "sha384", 6: "sm3"}


def name_wire(name):
    """RFC 4034 §6.2 canonical wire form: lowercase labels, root label last."""
    labels = [label for label in name.lower().rstrip(".").split(".") if label]
    return b"".join(bytes([len(label)]) + label.encode() for label in labels) + b"\x00"


def dnskey_wire(rdata):
    flags, protocol, algorithm, *key = rdata.split()
    return struct.pack("!HBB", int(flags), int(protocol), int(algorithm)) + base64.b64decode("".join(key))


def key_tag(wire):
    """RFC 4034 Appendix B."""
    total = sum(byte << 8 if index % 2 == 0 else byte for index, byte in enumerate(wire))
    return (total + (total >> 16)) & 0xFFFF


def digest(algorithm, data):
    try:
        return hashlib.new(algorithm, data).digest()
    except ValueError:  # a Python built without this OpenSSL digest: ask openssl itself
        return subprocess.run(["openssl", "dgst", "-" + algorithm, "-binary"], input=data,
                              capture_output=True, check=True).stdout


def ds(owner, rdata, digest_type):
    wire = dnskey_wire(rdata)
    value = digest(DIGESTS[int(digest_type)], name_wire(owner) + wire).hex().upper()
    print(f"{owner} IN DS {key_tag(wire)} {wire[3]} {digest_type} {value}")


def timestamp(seconds):
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(seconds))


def rrsig_a(key_file, rdata, owner, ttl, address, inception, expiration):
    wire = dnskey_wire(rdata)
    signer = owner.split(".", 1)[1]
    labels = len([label for label in owner.rstrip(".").split(".") if label])
    ttl, inception, expiration = int(ttl), int(inception), int(expiration)
    # RFC 4034 §3.1.8.1: the RRSIG RDATA without the signature, then the RRset in canonical form.
    header = struct.pack("!HBBIIIH", 1, wire[3], labels, ttl, expiration, inception, key_tag(wire))
    header += name_wire(signer)
    record = name_wire(owner) + struct.pack("!HHIH", 1, 1, ttl, 4) + ipaddress.IPv4Address(address).packed
    with tempfile.NamedTemporaryFile() as data:
        data.write(header + record)
        data.flush()
        signature = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key_file,
                                    "-in", data.name], capture_output=True, check=True).stdout
    print(f"{owner} {ttl} IN RRSIG A {wire[3]} {labels} {ttl} {timestamp(expiration)} "
          f"{timestamp(inception)} {key_tag(wire)} {signer} {base64.b64encode(signature).decode()}")


def main(argv):
    if len(argv) == 4 and argv[0] == "ds":
        ds(*argv[1:])
    elif len(argv) == 8 and argv[0] == "rrsig-a":
        rrsig_a(*argv[1:])
    else:
        sys.exit(__doc__.split("\n\n", 1)[0])


if __name__ == "__main__":
    main(sys.argv[1:])
