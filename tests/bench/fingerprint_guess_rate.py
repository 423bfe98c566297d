# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How fast can somebody who reads a fingerprint label test guesses of the data? One CPU core, this machine.

For each label the module writes or still verifies, times the module's own hash function on guesses
(the attacker's inner loop) and prints guesses per second:

- hmac-sha256 without the key: not testable at all (0 guesses per second, whatever the hardware);
- hmac-sha256 with a stolen key: as fast as HMAC-SHA256 goes;
- scrypt N=2^17, r=8, p=1: the current unkeyed label (OWASP's minimum);
- scrypt N=2^14, r=8, p=1 and PBKDF2-SHA256 600,000: labels of earlier versions.

An attacker with many cores or GPUs multiplies these by the hardware; scrypt's 128 MiB per guess is what
limits that for the unkeyed label. Numbers, never assertions. Run from a built copy (`make install`):

    cd build/collections/ansible_collections/sap_aicore/admin && PYTHONPATH=$PWD/../../.. \\
      ../../../../../.venv/bin/python tests/bench/fingerprint_guess_rate.py [--seconds 3]
"""

import argparse
import os
import time

from ansible_collections.sap_aicore.admin.plugins.module_utils import _fingerprint
from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import encode_data


def rate(scheme, parameters, key, seconds):
    """Guesses per second: the same work the module does to check one label, on changing guesses."""
    salt = os.urandom(_fingerprint.SALT_BYTES)
    # The guesses are encoded beforehand: an attacker's inner loop is the hash alone.
    guesses = [_fingerprint.canonical(encode_data({"password": "guess-%d" % number}, "plain")) for number in range(1000)]
    tried = 0
    started = time.perf_counter()
    while True:
        _fingerprint._hash(scheme, parameters, salt, guesses[tried % len(guesses)], key)
        tried += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and tried >= 3:
            return tried / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each mode")
    seconds = parser.parse_args().seconds
    key = os.urandom(32)
    rows = [
        ("hmac-sha256, key unknown (fingerprint_key set)", None),
        ("hmac-sha256, key stolen", rate(_fingerprint.HMAC_SHA256, (), key, seconds)),
        ("scrypt N=2^17 r=8 p=1 (no key, current)", rate(_fingerprint.SCRYPT, _fingerprint.SCRYPT_PARAMETERS, None, seconds)),
        ("scrypt N=2^14 r=8 p=1 (older labels)", rate(_fingerprint.SCRYPT, _fingerprint.LEGACY_SCRYPT_PARAMETERS, None, seconds)),
        ("pbkdf2-sha256 600000 (older, no scrypt)", rate(_fingerprint.PBKDF2, (_fingerprint.PBKDF2_ITERATIONS,), None, seconds)),
    ]
    print("%-50s %s" % ("label", "guesses per second, one core"))
    for label, guesses in rows:
        print("%-50s %s" % (label, "0 (the label cannot be checked without the key)" if guesses is None else "{:,.1f}".format(guesses)))


if __name__ == "__main__":
    main()
