"""The client's address, behind trusted proxies only.

``X-Forwarded-For`` is anyone's to write, so it is believed only when the direct peer (the socket's
address, ``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES`` (addresses or networks). The header
is then read from the right, skipping further trusted proxies: the first address that is not one is
the client. Anything unparsable falls back to the peer."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_address(request) -> str | None:
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not networks or not forwarded or not _trusted(peer, networks):
        return str(peer)
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break
        if not _trusted(address, networks):
            return str(address)
    return str(peer)
