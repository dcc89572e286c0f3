"""hostile_certs.py CA_CRT CA_KEY OUTDIR - client certificates whose subject
is hostile to a reader that takes "the CN" for granted, signed by the test CA
so that they pass TLS verification and reach the identity check. Writes
OUTDIR/NAME.crt and OUTDIR/NAME.key for each NAME below; `openssl req`
refuses to write most of them, python3-cryptography does not (with
_validate=False where its own checks would stop us)."""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ca_crt, ca_key, out = sys.argv[1:4]
with open(ca_crt, "rb") as f:
    ca = x509.load_pem_x509_certificate(f.read())
with open(ca_key, "rb") as f:
    key_ca = serialization.load_pem_private_key(f.read(), password=None)


def cn(value):
    return x509.NameAttribute(NameOID.COMMON_NAME, value, _validate=False)


ORG = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mestat test")
CASES = {
    # a plain certificate made the same way: proves the others fail for their subject
    "plain": ([ORG, cn("110000")], None),
    "two-cn-ours-first": ([cn("110000"), cn("120000")], None),
    "two-cn-ours-last": ([cn("120000"), cn("110000")], None),
    "nul-in-cn": ([cn("110000\x00.attacker.example")], None),
    "trailing-blank": ([cn("110000 ")], None),
    "leading-blank": ([cn(" 110000")], None),
    "newline-in-cn": ([cn("110000\n")], None),
    "cn-only-in-san": ([ORG], x509.SubjectAlternativeName([x509.DNSName("110000")])),
    "empty-cn": ([cn("")], None),
    "long-cn": ([cn("110000" + "0" * 994)], None),
}

now = datetime.datetime.now(datetime.timezone.utc)
for name, (attrs, san) in CASES.items():
    key = ec.generate_private_key(ec.SECP256R1())
    b = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.RelativeDistinguishedName([a]) for a in attrs]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )
    if san is not None:
        b = b.add_extension(san, critical=False)
    cert = b.sign(key_ca, hashes.SHA256())
    with open(f"{out}/{name}.crt", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(f"{out}/{name}.key", "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    print(name)
