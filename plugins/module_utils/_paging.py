# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal to sap_aicore.admin: reading a whole listing of an AI Core endpoint that pages by ``$top``/``$skip``.

Secrets, object store secrets, Docker registry secrets, repositories and applications list the
same way: ``{"count": N, "resources": [...]}`` pages. (Resource groups page two ways and keep
their own reader in ``_resource_groups``.)
"""

from ansible_collections.sap_aicore.admin.plugins.module_utils._errors import AICoreError

PAGE_SIZE = 100  # asked for; a server may answer with fewer, so paging goes on until a short or empty page
MAX_PAGES = 500  # a server that never stops paging fails the task instead of running forever


def all_pages(client, path, name_key, what, scoped=True):
    """``{name: item}`` of every item the listing at ``path`` holds, across all pages, in the order sent.

    ``name_key`` is the field that names an item; ``what`` says what the items are, for messages.
    A listing proves nothing about a scope (a scope that does not exist may list as empty), so the
    requests do not count as proof; the caller decides what an empty listing means.
    """
    found = {}
    for _page_number in range(MAX_PAGES):
        reply = client.call("GET", path, params={"$top": PAGE_SIZE, "$skip": len(found), "$count": "true"},
                            proves_scope=False, scoped=scoped)
        page = _page_of(reply, name_key, what)
        new = [item for item in page["resources"] if item[name_key] not in found]
        if page["resources"] and not new:
            raise AICoreError("%s %s repeated a page it had already sent; paging stopped" % (reply.method, reply.url))
        found.update((item[name_key], item) for item in new)
        if not new or _all_counted(page, len(found)):
            return found
    raise AICoreError("GET %s%s: still paging after %d pages; stopped" % (client.settings.api_url, path, MAX_PAGES))


def _page_of(reply, name_key, what):
    """A list page as ``{"resources": [...], "count": int or None}``, or an error for a malformed one."""
    document = reply.json()
    resources = document.get("resources") if isinstance(document, dict) else None
    if not isinstance(resources, list) or not all(isinstance(item, dict) and isinstance(item.get(name_key), str) for item in resources):
        raise reply.error("%s %s answered with a list page that has no resources list of %s" % (reply.method, reply.url, what))
    count = document.get("count")
    return {"resources": resources, "count": count if isinstance(count, int) and not isinstance(count, bool) else None}


def _all_counted(page, found):
    """Whether the page's count, read as the total, says nothing is left.

    A count equal to the page's length may be just that length (a server that ignores
    ``$count``), so only a larger one is trusted; otherwise paging goes on to an empty page.
    """
    count = page["count"]
    return count is not None and count > len(page["resources"]) and found >= count
