"""Small helpers shared by the program and cohort pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 20


def safe_next(request: HttpRequest, default: str = "") -> str:
    """A ``next`` URL of this site only (never an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def url(name: str, slug: str, **kwargs: int) -> str:
    return reverse(f"programs:{name}", kwargs={"convener_slug": slug, **kwargs})


def occupation_search_url(slug: str) -> str:
    """The SOC 2018 picker the need form uses (htmx list of matches)."""
    return reverse("employers:occupation-search", kwargs={"convener_slug": slug})
