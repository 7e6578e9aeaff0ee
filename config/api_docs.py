"""The API documentation pages (Swagger UI and ReDoc, from drf-spectacular-sidecar's static files) under the site's
Content-Security-Policy. Their templates (templates/api/) load every script and style from this origin or with the
request's CSP nonce: Swagger UI needs nothing more. ReDoc's bundle does three things no nonce can cover, so its page
alone gets the narrow additions in ``REDOC_CSP_UPDATE`` (still no 'unsafe-inline' and no 'unsafe-eval'):

- it injects perfect-scrollbar's CSS as a <style> element (empty, then filled) while the bundle loads, before
  ``Redoc.init`` can hand it the nonce: the policy allows exactly those two contents by hash;
- it runs its search index in a web worker built from a blob: URL: ``worker-src 'self' blob:``;
- it shows a Redocly logo from cdn.redoc.ly in the menu: that stays refused (no request leaves for a third-party
  host; ReDoc hides the image when it fails to load), the one violation that page reports.
"""

from __future__ import annotations

from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

REDOC_CSP_UPDATE = {
    "style-src": [
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar.css as ReDoc's bundle injects it
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the same <style> element while still empty
    ],
    "worker-src": [SELF, "blob:"],
}


class ApiDocsView(SpectacularSwaggerView):
    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        # drf-spectacular sends "Cross-Origin-Opener-Policy: unsafe-none" so that Swagger UI's OAuth2 pop-up can talk
        # back to it. The API has no OAuth2 flow (session and token authentication), so the page keeps the site's
        # same-origin COOP, which SecurityMiddleware adds once this header is gone.
        del response.headers["Cross-Origin-Opener-Policy"]
        return response


@method_decorator(csp_update(REDOC_CSP_UPDATE), name="dispatch")
class ApiRedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
