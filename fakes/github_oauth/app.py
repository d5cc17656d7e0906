"""HTTP endpoints of the fake GitHub OAuth provider, shaped like GitHub's.

- `GET /login/oauth/authorize` approves at once as the signed-in fake user and
  redirects to the callback with `code` and `state`. Unlike GitHub it requires
  `state` and an S256 `code_challenge`, so tests prove the client sends both.
- `POST /login/oauth/access_token` takes form or JSON parameters and answers
  form-encoded unless `Accept: application/json`. Errors come with status 200
  and an `error` field, as on GitHub.
- `GET /user` and `GET /user/emails` need `Authorization: Bearer` or `token`.

Error texts and URLs follow GitHub's documentation of OAuth app errors
(docs.github.com, "Troubleshooting authorization request errors" and
"Troubleshooting OAuth app access token request errors").
"""

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from fakes.github_oauth.provider import FakeOAuthProvider, s256

logger = logging.getLogger(__name__)

_TROUBLESHOOT_AUTHORIZE = (
    "https://docs.github.com/apps/managing-oauth-apps/"
    "troubleshooting-authorization-request-errors/"
)
_TROUBLESHOOT_TOKEN = (
    "https://docs.github.com/apps/managing-oauth-apps/"
    "troubleshooting-oauth-app-access-token-request-errors/"
)
_TOKEN_ERRORS = {
    "incorrect_client_credentials": (
        "The client_id and/or client_secret passed are incorrect."
    ),
    "redirect_uri_mismatch": (
        "The redirect_uri MUST match the registered callback URL for this application."
    ),
    "bad_verification_code": "The code passed is incorrect or expired.",
}


def _redirect_uri_allowed(provider: FakeOAuthProvider, redirect_uri: str) -> bool:
    """GitHub accepts the callback URL or a path below it on the same host and port."""
    registered, given = urlsplit(provider.callback_url), urlsplit(redirect_uri)
    return (
        given.scheme == registered.scheme
        and given.netloc == registered.netloc
        and given.path.startswith(registered.path)
    )


def _redirect(base: str, params: dict[str, str]) -> RedirectResponse:
    separator = "&" if "?" in base else "?"
    return RedirectResponse(f"{base}{separator}{urlencode(params)}", status_code=302)


def _token_response(request: Request, body: dict[str, str]) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(body)
    return PlainTextResponse(
        urlencode(body), media_type="application/x-www-form-urlencoded"
    )


def _token_error(
    request: Request, error: str, description: str | None = None
) -> Response:
    body = {
        "error": error,
        "error_description": description or _TOKEN_ERRORS[error],
        "error_uri": f"{_TROUBLESHOOT_TOKEN}#{error.replace('_', '-')}",
    }
    return _token_response(request, body)


def _bad_credentials() -> JSONResponse:
    return JSONResponse(
        {
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401",
        },  # noqa: E501
        status_code=401,
    )


def create_app(provider: FakeOAuthProvider) -> FastAPI:
    app = FastAPI(title="fake GitHub OAuth")
    app.state.provider = provider

    @app.get("/login/oauth/authorize")
    def authorize(request: Request) -> Response:
        params = request.query_params
        if params.get("client_id") != provider.client_id:
            return PlainTextResponse("404: unknown client_id", status_code=404)
        redirect_uri = params.get("redirect_uri")
        state = params.get("state", "")
        if redirect_uri and not _redirect_uri_allowed(provider, redirect_uri):
            return _redirect(
                provider.callback_url,
                {
                    "error": "redirect_uri_mismatch",
                    "error_description": _TOKEN_ERRORS["redirect_uri_mismatch"],
                    "error_uri": f"{_TROUBLESHOOT_AUTHORIZE}#redirect-uri-mismatch",
                    "state": state,
                },
            )
        if not state:
            return PlainTextResponse("400: the fake requires state", status_code=400)
        challenge = params.get("code_challenge", "")
        if params.get("code_challenge_method") != "S256" or len(challenge) != 43:
            return PlainTextResponse(
                "400: code_challenge with code_challenge_method=S256 is required",
                status_code=400,
            )
        target = redirect_uri or provider.callback_url
        if provider.deny_next:
            provider.deny_next = False
            return _redirect(
                target,
                {
                    "error": "access_denied",
                    "error_description": "The user has denied your application access.",
                    "error_uri": f"{_TROUBLESHOOT_AUTHORIZE}#access-denied",
                    "state": state,
                },
            )
        user = provider.users.get(provider.signed_in_login or "")
        if user is None:
            return PlainTextResponse(
                "401: no fake GitHub user is signed in", status_code=401
            )
        scope = ",".join(params.get("scope", "").replace(",", " ").split())
        code = provider.grant_code(user, redirect_uri, scope, challenge)
        return _redirect(target, {"code": code, "state": state})

    @app.post("/login/oauth/access_token")
    async def access_token(request: Request) -> Response:
        params: dict[str, Any]
        if request.headers.get("content-type", "").startswith("application/json"):
            params = await request.json()
        else:
            params = dict(parse_qsl((await request.body()).decode()))
        if (
            params.get("client_id") != provider.client_id
            or params.get("client_secret") != provider.client_secret
        ):
            return _token_error(request, "incorrect_client_credentials")
        grant = provider.take_code(str(params.get("code", "")))
        if grant is None:
            return _token_error(request, "bad_verification_code")
        redirect_uri = params.get("redirect_uri")
        if grant.redirect_uri and redirect_uri and redirect_uri != grant.redirect_uri:
            return _token_error(request, "redirect_uri_mismatch")
        # NOTE: GitHub documents no error code for a failed PKCE check; the fake
        # reuses bad_verification_code.
        if s256(str(params.get("code_verifier", ""))) != grant.code_challenge:
            return _token_error(
                request, "bad_verification_code", "The code_verifier does not match."
            )
        token = provider.issue_token(grant)
        return _token_response(
            request,
            {"access_token": token, "token_type": "bearer", "scope": grant.scope},
        )

    def _authenticated(request: Request) -> tuple[Any, str] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        return provider.user_of_token(token.strip())

    @app.get("/user")
    def user(request: Request) -> Response:
        found = _authenticated(request)
        if found is None:
            return _bad_credentials()
        github_user, scope = found
        return JSONResponse(github_user.public(), headers={"X-OAuth-Scopes": scope})

    @app.get("/user/emails")
    def user_emails(request: Request) -> Response:
        found = _authenticated(request)
        if found is None:
            return _bad_credentials()
        github_user, scope = found
        if not {"user", "user:email"} & set(scope.split(",")):
            return JSONResponse(
                {
                    "message": "Not Found",
                    "documentation_url": "https://docs.github.com/rest",
                },
                status_code=404,
            )
        return JSONResponse(github_user.emails, headers={"X-OAuth-Scopes": scope})

    return app
