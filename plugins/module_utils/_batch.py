# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: run one piece of work per item, several at once, results in order."""

from concurrent.futures import ThreadPoolExecutor


def run_each(items, work, concurrency):
    """Return ``[work(item) for item in items]``, computed by up to ``concurrency`` threads.

    ``work`` must not raise: a module reports each item's outcome, failures included, so
    one bad item never leaves the others unknown.
    """
    if concurrency <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(work, items))
