"""What the confirm screen shows about a login request: a short device description from the
User-Agent and a coarse place from the IP address (a small offline table; unknown → 其他地区)."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

# A small offline table of well-known Shanxi address blocks; enough for the anti-phishing hint.
# Production can swap in a full IP database by replacing `AREAS` at start-up.
AREAS: list[tuple[str, str]] = [
    ("1.68.0.0/14", "山西省"),
    ("60.220.0.0/14", "山西省"),
    ("218.26.0.0/16", "山西省太原市"),
    ("221.204.0.0/15", "山西省"),
    ("183.184.0.0/14", "山西省"),
    ("223.8.0.0/14", "山西省"),
    ("202.99.192.0/19", "山西省"),
]


@lru_cache(maxsize=1)
def _networks() -> tuple[tuple[ipaddress._BaseNetwork, str], ...]:
    return tuple((ipaddress.ip_network(cidr), area) for cidr, area in AREAS)


def ip_area(ip: str) -> str:
    """Coarse place for an IP address: 本机/内网 for private and loopback addresses."""
    try:
        addr = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return "未知地区"
    if addr.is_loopback or addr.is_private or addr.is_link_local:
        return "本机/内网"
    for network, area in _networks():
        if addr.version == network.version and addr in network:
            return area
    return "其他地区"


_BROWSERS = [("MicroMessenger", "微信"), ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Mac OS X", "macOS"), ("Linux", "Linux")]


def describe_device(user_agent: str) -> str:
    """`Chrome · Windows` style description; the raw agent (cut) when nothing is recognised."""
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), None)
    system = next((name for marker, name in _SYSTEMS if marker in ua), None)
    if browser or system:
        return " · ".join(p for p in (browser, system) if p)
    cleaned = re.sub(r"[^\w ./()-]", "", ua)[:60]
    return cleaned or "未知设备"
