"""Template context for every page: the current workspace, if the view resolved one."""

from typing import Any

from django.http import HttpRequest

from partnerships.permissions import allowed_actions


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "current_convener": request.convener,  # type: ignore[attr-defined]
        "current_membership": membership,
        "can": allowed_actions(membership),
    }
