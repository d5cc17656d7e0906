"""One TLS context per process for outgoing HTTPS requests.

httpx builds a new context for every client unless it is given one, and
loading the CA certificates took about as much CPU as storing a page of 100
issues. Refresh jobs open a client per page, so they share this one.
"""

import functools
import ssl

import httpx


@functools.cache
def client_tls_context() -> ssl.SSLContext:
    """Return the verifying context httpx would build: SSL_CERT_FILE or
    SSL_CERT_DIR when set, else the certifi bundle."""
    return httpx.create_ssl_context()
