"""Read every object of a partner's TAXII 2.1 collection (``vigie share pull``).

Why: allies share through TAXII servers (vigie's own ``share serve``, OpenCTI, MISP's TAXII
module), and vigie could serve a collection but not read one: a partner's objects had to be
fetched with another tool and saved as a bundle first. The reading is the OASIS TAXII
client's (``taxii2-client``, made for the job), page by page as the server cuts them; what it
returns goes through ``vigie share import``'s own path (validation, provenance, markings, the
audit log), so a pulled object is stored exactly as an imported one.

A pull asks only what the collection received since the last one (TAXII 2.1's
``added_after``, section 3.4.1): the server dates each page's newest object in its
``X-TAXII-Date-Added-Last`` header, and the newest of those is the next pull's
``added_after``. Why: a partner's collection grows (OpenCTI's feeds hold hundreds of
thousands of objects) and re-reading it whole at each daily pull costs its size each time.
Dates are the server's own, so the two machines' clocks never meet. A server that sends no
such header is read whole each time (its objects are then "already known").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vigie.errors import MissingExtraError, VigieError

PAGE = 1000
"""Objects asked per request; a server may send fewer (vigie's default page is 1,000)."""

ADDED_LAST = "X-TAXII-Date-Added-Last"


@dataclass
class Pulled:
    """What one pull read: the objects, and the server's date of the newest (None when it
    sent none: the pull leaves no bookmark)."""

    objects: list[dict[str, Any]]
    added_last: str | None


def collection_url(url: str) -> str:
    """A collection's URL as it is asked and bookmarked: with its trailing slash (TAXII's
    URLs end so; typed without, it is the same collection and the same bookmark)."""
    return url if url.endswith("/") else url + "/"


def pull_objects(
    url: str,
    user: str | None,
    password: str,
    *,
    verify: bool = True,
    token: bool = False,
    added_after: str | None = None,
    on_page: Callable[[int], None] | None = None,
) -> Pulled:
    """Every object of the collection at ``url`` (``…/collections/<id>/``), all pages; with
    ``added_after`` (a bookmark), only those the server added after that date.

    ``token``: ``password`` is an API token sent as ``Authorization: Bearer`` (OpenCTI's
    TAXII endpoints ask for its users' API tokens so), not a user name's password.
    ``on_page``: called after each page with the objects read so far (the command's
    progress: a collection of 100,000 objects is a hundred requests, and TAXII says no total
    ahead)."""
    try:
        import requests
        from taxii2client.exceptions import TAXIIServiceException
        from taxii2client.v21 import Collection, as_pages
    except ModuleNotFoundError:
        raise MissingExtraError("taxii2client", "share", "reading a TAXII collection") from None
    if not url.startswith(("https://", "http://")):
        raise VigieError(f"{url}: give the collection's URL (https://HOST/ROOT/collections/ID/)")
    where = collection_url(url)
    if token:
        coll = Collection(where, auth=_bearer(password), verify=verify)
    else:
        coll = Collection(where, user=user, password=password, verify=verify)
    objects: list[dict[str, Any]] = []
    dates: list[str] = []
    # the client returns each page's body only: its headers are read as requests gives them
    coll._conn.session.hooks["response"].append(
        lambda resp, *args, **kwargs: dates.append(resp.headers.get(ADDED_LAST) or "")
    )
    since = {"added_after": added_after} if added_after else {}
    try:
        for page in as_pages(coll.get_objects, per_request=PAGE, **since):
            found = page.get("objects", []) if isinstance(page, dict) else []
            objects.extend(o for o in found if isinstance(o, dict))
            if on_page is not None:
                on_page(len(objects))
    except requests.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else "?"
        why = {
            401: "the credentials were refused (user name and password, or token)",
            403: "this account may not read it",
            404: "no such collection, or not one this account may see",
        }.get(code if isinstance(code, int) else 0, "the server refused the request")
        raise VigieError(f"{url}: HTTP {code}: {why}") from None
    except requests.RequestException as exc:
        raise VigieError(f"{url}: cannot be reached ({type(exc).__name__})") from None
    except (TAXIIServiceException, ValueError) as exc:  # not a TAXII 2.1 answer
        raise VigieError(f"{url}: not a TAXII 2.1 collection ({str(exc)[:200]})") from None
    finally:
        coll.close()
    return Pulled(objects, newest(dates))


def newest(dates: list[str]) -> str | None:
    """The latest of the servers' ``X-TAXII-Date-Added-Last`` values, as the server wrote it
    (it is sent back as written); None when none can be read as a timestamp."""
    best: tuple[datetime, str] | None = None
    for d in dates:
        try:
            t = datetime.fromisoformat(d.strip())
        except ValueError:
            continue
        if t.tzinfo is None:  # TAXII's timestamps are UTC ("Z"); a naive one is not compared
            continue
        if best is None or t > best[0]:
            best = (t, d.strip())
    return best[1] if best else None


def _bearer(token: str) -> Any:
    """``Authorization: Bearer TOKEN`` on every request, as requests' auth objects do."""
    import requests

    class Bearer(requests.auth.AuthBase):
        def __call__(self, r: Any) -> Any:
            r.headers["Authorization"] = f"Bearer {token}"
            return r

    return Bearer()
