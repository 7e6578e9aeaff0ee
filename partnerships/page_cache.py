"""Rendered pages remembered per reader until anything is written: a "generation" cache for the busy pages.

Why: a workspace page costs 20 to 60 ms of Python (ORM compilation, template rendering) however lean its SQL, and
the people who use the portal read the same few pages all day (a case manager's caseload, a convener's dashboard)
far more often than anything changes. A page that opts in (``page_cache = True`` on a ``TenantViewMixin`` view) is
kept, after its first rendering, for ``PAGE_CACHE_SECONDS`` (60 by default; 0 switches the cache off) and served
again to the same reader while nothing has been written.

Correctness rests on one rule, enforced below the ORM rather than by remembering to invalidate:
- every INSERT, UPDATE or DELETE that goes through Django's database connections, in any process (web, Celery,
  shell, tests), moves one global *generation* number in the cache (``note_write``, a connection execute wrapper
  installed for every connection); the generation is part of every key, so after any write every page is rendered
  afresh. Writes to bookkeeping tables that a page view itself makes (sessions, the audit log) do not count.
  After a transaction that wrote, the generation moves again at the end of the request or task (``settle``), so
  that a reader who rendered between the statement and the commit cannot keep a page that misses the write.
- the key holds the reader (user, membership and role, session, CSRF secret), the full path with its query, the
  htmx headers, the time zone and the date (pages that say "overdue" or "due today"), so nobody is ever served a
  page rendered for someone else; a page is never more than PAGE_CACHE_SECONDS behind the clock.
- what the page would have audited (a view of a participant's record) is recorded again on every serving.
- the CSP nonce is per response: the stored copy carries a placeholder that only this deployment knows, and each
  serving puts a fresh nonce in its place (and so in the Content-Security-Policy header).
- stored pages hold PII for some readers (names on a caseload), so they are encrypted (Fernet, a key derived from
  SECRET_KEY) and compressed before they reach Redis, and expire by themselves.
- only a plain 200 HTML rendering of a GET, with no flash message pending or shown, is stored.

One global generation keeps the rule obviously right (a write anywhere is seen everywhere at once); its price is
that a write in one workspace also refreshes the others' pages. A generation per workspace would raise the hit
rate on a multi-tenant installation; see README, Performance.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import pickle
import re
import time
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils import timezone

from partnerships import audit

logger = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION_KEY = "page-cache:generation"
# Tables a page view writes by itself: counting them would make every view invalidate every page.
BOOKKEEPING_TABLES = frozenset({"django_session", "partnerships_auditevent"})
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY|MERGE\s+INTO)\s+"?([\w.]+)',
                    re.IGNORECASE)
_CTE_WRITE = re.compile(r"^\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)
_WRITE_FLAG = "_page_cache_wrote_in_transaction"
# Headers of a rendering not kept with it: recomputed for each serving.
UNSTORED_HEADERS = frozenset({"content-length", "set-cookie", "x-page-cache"})


def seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


# ---------------------------------------------------------------------------------------------------------------
# The generation: moved by every write
# ---------------------------------------------------------------------------------------------------------------
def generation() -> int | None:
    """The current generation; None when the cache cannot be reached (then nothing is served or stored)."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            # Start from the clock, never from 0: if the key was evicted, no number handed out before comes back.
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            value = cache.get(GENERATION_KEY)
        return None if value is None else int(value)
    except Exception:  # Redis down or full: the page renders as if there were no cache
        logger.warning("page cache: generation unavailable", exc_info=True)
        return None


def bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): a fresh one from the clock is newer than any before
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # a write must not fail because the cache is down; entries expire anyway
        logger.warning("page cache: could not move the generation", exc_info=True)


def is_content_write(sql: str) -> bool:
    match = _WRITE.match(sql)
    if match:
        return match.group(1).strip('"').rsplit(".", 1)[-1] not in BOOKKEEPING_TABLES
    return bool(_CTE_WRITE.match(sql))


def note_write(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """Connection execute wrapper: run the statement, then move the generation if it wrote content."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_content_write(sql):
        bump()
        conn = context["connection"]
        if conn.in_atomic_block:
            setattr(conn, _WRITE_FLAG, True)  # moved again once the request or task is over (``settle``)
    return result


def settle(**kwargs: Any) -> None:
    """At the end of each request and each task: move the generation once more if a transaction wrote.

    The move at the statement came before the commit; a reader who rendered in between (and so without the
    write) could have stored that page under the new number. By the end of the request or task the transaction
    has committed, so this second move retires such a page. (Not an ``on_commit`` hook, which callers that count
    their own hooks would see.)"""
    wrote = False
    for conn in connections.all(initialized_only=True):
        if getattr(conn, _WRITE_FLAG, False):
            setattr(conn, _WRITE_FLAG, False)
            wrote = True
    if wrote:
        bump()


def watch_connection(sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any) -> None:
    """``connection_created`` receiver: every connection reports its writes."""
    if connection is not None and note_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(note_write)


# ---------------------------------------------------------------------------------------------------------------
# Any value kept until the next write
# ---------------------------------------------------------------------------------------------------------------
def remembered(name: str, compute: Callable[[], T], *, timeout: int) -> T:
    """``compute()``, kept (encrypted) under the current generation for ``timeout`` seconds: the next write anywhere
    retires it. Computed afresh when ``timeout`` is 0 or the cache cannot be reached."""
    current = generation() if timeout > 0 else None
    if current is None:
        return compute()
    key = f"remembered:{current}:{name}"
    try:
        token = cache.get(key)
    except Exception:
        logger.warning("page cache: could not read %s", name, exc_info=True)
        return compute()
    if token is not None:
        try:
            return pickle.loads(_fernet().decrypt(token, ttl=timeout + 5))  # noqa: S301 (our own, authenticated)
        except InvalidToken:
            pass
    value = compute()
    try:
        cache.set(key, _fernet().encrypt(pickle.dumps(value)), timeout=timeout)
    except Exception:
        logger.warning("page cache: could not keep %s", name, exc_info=True)
    return value


# ---------------------------------------------------------------------------------------------------------------
# Storing and serving
# ---------------------------------------------------------------------------------------------------------------
def _secret(purpose: str) -> bytes:
    return hashlib.sha256(f"partnership-portal:page-cache:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_secret("fernet")))


def nonce_placeholder() -> str:
    """Stands for the CSP nonce in stored pages; unguessable, so no user-written text can ever be turned into one."""
    return f"nonce-{_secret('nonce').hex()[:32]}"


def cache_key(request: HttpRequest, *, generation: int) -> str:
    membership = getattr(request, "membership", None)
    htmx = sorted((name, value) for name, value in request.headers.items() if name.lower().startswith("hx-"))
    parts = [
        generation, request.user.pk, getattr(membership, "pk", None), getattr(membership, "role", None),
        request.session.session_key, request.META.get("CSRF_COOKIE"), request.get_full_path(), htmx,
        timezone.get_current_timezone_name(), timezone.localdate().isoformat(),
    ]
    return "page-cache:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _servable(request: HttpRequest) -> bool:
    return (request.method == "GET" and seconds() > 0 and request.session.session_key is not None
            and bool(request.META.get("CSRF_COOKIE")) and len(get_messages(request)) == 0)


def serve(request: HttpRequest, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """The stored page for this reader if there is one, else ``render()`` (stored when it can be)."""
    if not _servable(request):
        return render()
    current = generation()
    if current is None:
        return render()
    key = cache_key(request, generation=current)
    hit = _load(key)
    if hit is not None:
        body, headers, audits = hit
        for event in audits:
            audit.audit_replay(event)
        response = HttpResponse(body.replace(nonce_placeholder(), str(request.csp_nonce)))  # type: ignore[attr-defined]
        for name, value in headers:  # what the view set (Content-Type, HX-Trigger, ...); middleware adds the rest
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response
    csrf_secret = request.META.get("CSRF_COOKIE")
    with audit.capture() as audits:
        rendered = render()
        if isinstance(rendered, SimpleTemplateResponse) and not rendered.is_rendered:
            rendered.render()  # a TemplateView's response: rendered now, so that its HTML can be stored
    if isinstance(rendered, HttpResponse) and _storable(request, rendered, csrf_secret):
        _store(key, rendered, audits, str(request.csp_nonce))  # type: ignore[attr-defined]
        rendered["X-Page-Cache"] = "miss"
    return rendered


def _storable(request: HttpRequest, response: HttpResponse, csrf_secret: str | None) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html") or response.has_header("Set-Cookie"):
        return False
    if "no-store" in response.get("Cache-Control", ""):  # the view says no copy may be kept (a record export)
        return False
    if response.cookies or request.META.get("CSRF_COOKIE") != csrf_secret:  # a new CSRF secret: not for reuse
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or len(storage) == 0  # a flash message is shown once, never again from the cache


def _store(key: str, response: HttpResponse, audits: list[dict[str, Any]], nonce: str) -> None:
    body = response.content.decode(response.charset)
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in UNSTORED_HEADERS]
    payload = {"body": body.replace(nonce, nonce_placeholder()) if nonce else body, "headers": headers,
               "audits": audits}
    token = _fernet().encrypt(zlib.compress(json.dumps(payload).encode(), 1))
    try:
        cache.set(key, token, timeout=seconds())
    except Exception:  # the page renders or stays uncached; never an error for the reader
        logger.warning("page cache: could not store a page", exc_info=True)


def _load(key: str) -> tuple[str, list[tuple[str, str]], list[dict[str, Any]]] | None:
    try:
        token = cache.get(key)
    except Exception:  # the page renders or stays uncached; never an error for the reader
        logger.warning("page cache: could not read a page", exc_info=True)
        return None
    if token is None:
        return None
    try:
        payload = json.loads(zlib.decompress(_fernet().decrypt(token, ttl=seconds() + 5)))
    except (InvalidToken, ValueError, zlib.error):
        return None
    return payload["body"], [(name, value) for name, value in payload["headers"]], payload["audits"]
