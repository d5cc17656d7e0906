import React, { useEffect, useRef, useState } from "react";

import { useAuth } from "../auth.jsx";
import { Link, navigate, sameSitePath } from "../router.jsx";
import { githubSignInUrl } from "./AuthPage.jsx";

const SESSION_PATH = "/v1/auth/github/session";
const DEFAULT_RETURN_PATH = "/my-work";

/** Trades the single-use code for the flow's result; throws an Error with the API's message. */
async function exchangeCode(code) {
  let response;
  try {
    response = await fetch(SESSION_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ code }),
    });
  } catch {
    throw new Error("The server could not be reached. Check that the OSS Odyssey API is running.");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? `The server returned HTTP ${response.status}.`);
  return body;
}

/**
 * Where the API's GitHub callback sends the browser: `/auth/github?code=...`.
 * Exchanges the code for the session, then opens the path the sign-in started from.
 */
export function GitHubCallbackPage() {
  const { signIn } = useAuth();
  const [state, setState] = useState({ status: "working" });
  const started = useRef(false);
  const headingRef = useRef(null);

  useEffect(() => {
    // The code works once, so a second run of this effect must not send it again.
    if (started.current) return;
    started.current = true;
    const code = new URLSearchParams(window.location.search).get("code");
    // The code stays out of the history and of later Referer headers.
    window.history.replaceState(null, "", "/auth/github");
    if (!code) {
      setState({ status: "failed", message: "This address has no sign-in code. Start GitHub sign-in again." });
      return;
    }
    exchangeCode(code)
      .then(async (result) => {
        const next = sameSitePath(result.next, DEFAULT_RETURN_PATH);
        if (!result.tokens) {
          setState({ status: "linked", login: result.github_login, next });
          return;
        }
        await signIn({
          accessToken: result.tokens.access_token,
          refreshToken: result.tokens.refresh_token,
          expiresIn: result.tokens.expires_in,
        });
        navigate(next, { replace: true });
      })
      .catch((error) => setState({ status: "failed", message: error.message }));
  }, [signIn]);

  useEffect(() => {
    if (state.status !== "working") headingRef.current?.focus();
  }, [state.status]);

  if (state.status === "working") {
    return (
      <section className="state-message" aria-busy="true">
        <h1>Signing you in with GitHub…</h1>
        <p className="state-message__text" role="status">
          Please wait a moment.
        </p>
      </section>
    );
  }
  if (state.status === "linked") {
    return (
      <section className="state-message" aria-labelledby="github-result-title">
        <h1 id="github-result-title" tabIndex={-1} ref={headingRef}>
          GitHub account linked
        </h1>
        <p className="state-message__text">Your account is now linked to GitHub user {state.login}.</p>
        <div className="state-message__actions">
          <Link className="button button--primary" to={state.next}>
            Continue
          </Link>
        </div>
      </section>
    );
  }
  return (
    <section className="state-message state-message--error" aria-labelledby="github-result-title">
      <h1 id="github-result-title" tabIndex={-1} ref={headingRef}>
        GitHub sign-in failed
      </h1>
      <p className="state-message__text" role="alert">
        {state.message}
      </p>
      <div className="state-message__actions">
        <a className="button button--primary" href={githubSignInUrl(DEFAULT_RETURN_PATH)}>
          Sign in with GitHub
        </a>
        <Link className="button" to="/login">
          Log in with email
        </Link>
      </div>
    </section>
  );
}
