"""URL canonicalization, source domains and stable article ids.

- `canonical_url` maps the many spellings of one article URL to one string: lowercase scheme
  and host, no userinfo, no default port, no fragment (except "#!" routes), no tracking
  parameters, remaining query parameters sorted, dot segments resolved, percent-escapes
  normalized, and no trailing slash except on the root path.
- `source_domain` is the registrable-ish domain: the host without "www."-style prefixes,
  reduced to the label under the public suffix ("news.bbc.co.uk" -> "bbc.co.uk"). It uses a
  small built-in rule set (second-level ccTLD registries, multi-tenant hosts), not the full
  Public Suffix List: good enough to group outlets, and free of data files.
- `article_id_for` is the id producers and the CLEAN step share: 32 hex chars of BLAKE2b over
  the canonical URL when there is one, else over the body bytes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click, never select content. Matched case-insensitively;
# entries ending in "_" are prefixes.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "_hsenc", "_hsmi",
        "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "ocid", "smid", "smtyp",
        "sr_share", "ito", "taid", "ncid", "ns_mchannel", "ns_source", "ns_campaign",
        "ns_linkname", "ns_fee", "share", "spm", "s_cid", "xtor", "at_medium", "at_campaign",
        "at_source", "at_term", "at_content", "cid_source", "wt.mc_id", "wt_mc_id", "rss",
        "feature", "__twitter_impression", "amp",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "vero_", "oly_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Second-level labels under a ccTLD that are registries, not owners: "bbc" in "bbc.co.uk".
_SECOND_LEVEL = frozenset(
    {
        "ac", "co", "com", "edu", "gov", "gob", "gouv", "govt", "ltd", "mil", "net", "nic",
        "nhs", "org", "or", "ne", "go", "plc", "sch", "nom", "info", "biz", "web", "jor",
        "blog", "art", "lg", "ed", "gr", "ad",
    }
)  # fmt: skip
# Hosts where each subdomain is a different publisher.
_MULTI_TENANT = frozenset(
    {
        "blogspot.com", "wordpress.com", "substack.com", "medium.com", "tumblr.com",
        "github.io", "livejournal.com", "typepad.com", "over-blog.com", "canalblog.com",
        "hatenablog.com", "wixsite.com", "weebly.com", "squarespace.com", "ghost.io",
    }
)  # fmt: skip
# Prefixes that name a rendering of the site, not a different site.
_HOST_PREFIXES = ("www.", "www1.", "www2.", "www3.", "m.", "mobile.", "amp.")
_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/%:@!$&'()*+,;="
# "+" is not safe in a query: it would read back as a space.
_QUERY_SAFE = "/:@!$'()*,;?"


def is_tracking_param(name: str) -> bool:
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _normalize_escapes(part: str) -> str:
    """Uppercase percent-escapes and decode the ones that encode unreserved characters."""

    def fix(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return _PCT_RE.sub(fix, part)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        if seg == ".":
            if i == len(segments) - 1:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if i == len(segments) - 1:
                out.append("")
            continue
        out.append(seg)
    return "/".join(out) or "/"


def _normalize_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def canonical_url(url: str | None) -> str | None:
    """Canonical form of an absolute http(s) URL; None for anything else (or unparsable)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = _normalize_host(parts.hostname)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"

    path = _remove_dot_segments(quote(_normalize_escapes(parts.path), safe=_PATH_SAFE))
    if not path:
        path = "/"
    elif len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"

    params = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k and not is_tracking_param(k)
    ]
    params.sort()
    query = urlencode(params, quote_via=quote, safe=_QUERY_SAFE)

    # A "#!" fragment is a client-side route that selects the article; anything else is a
    # position inside the page.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def host_of(url: str | None) -> str | None:
    """Lowercased host of a URL (IDNA-encoded), or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return _normalize_host(host) if host else None


def source_domain(url: str | None) -> str | None:
    """Registrable-ish domain of a URL: "https://www.news.bbc.co.uk/x" -> "bbc.co.uk"."""
    host = host_of(url)
    if not host:
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    keep = 2
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        keep = 3  # bbc.co.uk, dawn.com.pk
    if ".".join(labels[-keep:]) in _MULTI_TENANT:
        keep += 1  # someone.blogspot.com
    return ".".join(labels[-keep:])


def article_id_for(url: str | None, body: bytes) -> str:
    """Stable article id: BLAKE2b-128 hex of the canonical URL, or of the body without one."""
    canon = canonical_url(url)
    data = b"url:" + canon.encode("utf-8") if canon else b"body:" + body
    return hashlib.blake2b(data, digest_size=16).hexdigest()
