"""Read every object of a partner's TAXII 2.1 collection (``vigie share pull``).

Why: allies share through TAXII servers (vigie's own ``share serve``, OpenCTI, MISP's TAXII
module), and vigie could serve a collection but not read one: a partner's objects had to be
fetched with another tool and saved as a bundle first. The reading is the OASIS TAXII
client's (``taxii2-client``, made for the job), page by page as the server cuts them; what it
returns goes through ``vigie share import``'s own path (validation, provenance, markings, the
audit log), so a pulled object is stored exactly as an imported one.
"""

from __future__ import annotations

from typing import Any

from vigie.errors import MissingExtraError, VigieError

PAGE = 1000
"""Objects asked per request; a server may send fewer (vigie's default page is 1,000)."""


def pull_objects(
    url: str,
    user: str | None,
    password: str,
    *,
    verify: bool = True,
    token: bool = False,
) -> list[dict]:
    """Every object of the collection at ``url`` (``…/collections/<id>/``), all pages.

    ``token``: ``password`` is an API token sent as ``Authorization: Bearer`` (OpenCTI's
    TAXII endpoints ask for its users' API tokens so), not a user name's password."""
    try:
        import requests
        from taxii2client.exceptions import TAXIIServiceException
        from taxii2client.v21 import Collection, as_pages
    except ModuleNotFoundError:
        raise MissingExtraError("taxii2client", "share", "reading a TAXII collection") from None
    if not url.startswith(("https://", "http://")):
        raise VigieError(f"{url}: give the collection's URL (https://HOST/ROOT/collections/ID/)")
    where = url if url.endswith("/") else url + "/"
    if token:
        coll = Collection(where, auth=_bearer(password), verify=verify)
    else:
        coll = Collection(where, user=user, password=password, verify=verify)
    objects: list[dict[str, Any]] = []
    try:
        for page in as_pages(coll.get_objects, per_request=PAGE):
            found = page.get("objects", []) if isinstance(page, dict) else []
            objects.extend(o for o in found if isinstance(o, dict))
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
    return objects


def _bearer(token: str) -> Any:
    """``Authorization: Bearer TOKEN`` on every request, as requests' auth objects do."""
    import requests

    class Bearer(requests.auth.AuthBase):
        def __call__(self, r: Any) -> Any:
            r.headers["Authorization"] = f"Bearer {token}"
            return r

    return Bearer()
