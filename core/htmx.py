"""Full page or fragment: one view answers both, as STYLE.md asks."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import push_url


def wants_fragment(request, target: str) -> bool:
    """An htmx request aimed at ``target``; not a boosted request or a history restore."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request and htmx.target == target


def render_page(request, template: str, context: dict, *, target: str = "panel", partial: str = "panel", status=200):
    """Render ``template`` whole, or only its ``partial`` for an htmx request aimed at ``target``."""
    name = f"{template}#{partial}" if wants_fragment(request, target) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def done(request, *, notice: str, url: str, fragment, target: str = "panel"):
    """The answer after a successful change. For an htmx request aimed at ``target``: the
    refreshed fragment, made by ``fragment(notice)``, with the address bar moved to ``url``.
    Otherwise post/redirect/get: a redirect to ``url`` with ``notice`` as a message."""
    if wants_fragment(request, target):
        response = fragment(notice)
        push_url(response, url)
        return response
    messages.success(request, notice)
    return redirect(url)
