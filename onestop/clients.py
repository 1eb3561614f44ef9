"""Who is asking: the one notion of "client" every limit keys on."""

import ipaddress

from django.conf import settings

UNKNOWN = "0.0.0.0"  # no usable address (a test request, a broken proxy header)
# One home or office router hands a whole /64 to its devices, each of which may change its
# address at will: inside it, addresses cost nothing, so a /64 is one client.
IPV6_CLIENT_PREFIX = 64


def client_ip(request) -> str:
    """The client that sent this request, as the limits count it: its IPv4 address, or the
    first address of its IPv6 /64 (so always a valid IP)."""
    address = ipaddress.ip_address(client_address(request))
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        network = ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False)
        return str(network.network_address)
    return str(address)


def client_address(request) -> str:
    """The address of the client that sent this request, always a valid IP.

    `X-Forwarded-For` is a list anyone can write to; only the entries added by our own
    proxies are true. With TRUSTED_PROXY_COUNT = N, the client is the N-th entry from the
    right (the one our outermost proxy saw); with 0 (the default) the header is ignored and
    the socket address is the client. A request that came around the proxies (fewer
    entries than proxies) is keyed on its socket address.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote


def address_in(address: str, networks: list[str]) -> bool:
    """Whether an address lies in one of these networks ("192.0.2.7", "2001:db8::/32")."""
    found = ipaddress.ip_address(address)
    return any(found in ipaddress.ip_network(network.strip(), strict=False) for network in networks)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None
