# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Micro-benchmark: the work aicore_generic_secret does on a long name list before its first request.

Times secret_names() (checks every name, drops duplicates keeping the order) on 100,000 names plus
a quarter of them again as duplicates, then the scope and data checks, and prints the seconds.
A number to read, never an assertion. Run from a built copy (`make install`):

    cd build/collections/ansible_collections/sap_aicore/admin && PYTHONPATH=$PWD/../../.. \\
      ../../../../../.venv/bin/python tests/bench/names_to_first_request.py [--names 100000]
"""

import argparse
import time

from ansible_collections.sap_aicore.admin.plugins.module_utils._desired import DesiredSecret
from ansible_collections.sap_aicore.admin.plugins.module_utils._scope import scope_headers
from ansible_collections.sap_aicore.admin.plugins.module_utils._validation import check_concurrency, secret_names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100000)
    count = parser.parse_args().names
    names = ["ci-run-%07d" % number for number in range(count)]
    given = names + names[: count // 4]
    best = None
    for _attempt in range(3):
        started = time.perf_counter()
        unique = secret_names(given)
        check_concurrency(8)
        scope_headers("ci-runs", False, {})
        DesiredSecret({"password": "x"}, fingerprint_key="bench-fingerprint-key-0123")
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    assert len(unique) == count
    print("%d names (+%d duplicates) checked and de-duplicated before the first request: %.3f s (best of 3)"
          % (count, len(given) - count, best))


if __name__ == "__main__":
    main()
