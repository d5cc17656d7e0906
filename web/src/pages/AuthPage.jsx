import React, { useId, useState } from "react";
import { useMutation } from "@apollo/client";

import { useAuth } from "../auth.jsx";
import { EmptyState, describeError } from "../components/StateMessage.jsx";
import { LOG_IN, REGISTER } from "../graphql/accounts.js";
import { Link, navigate, sameSitePath, useLocation } from "../router.jsx";
import { useSchemaFeatures } from "../schemaFeatures.jsx";

// The API's password rule: 12 to 128 characters.
const MIN_PASSWORD_LENGTH = 12;

function TextField({ label, help, ...inputProps }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={help ? `${id}-help` : undefined} {...inputProps} />
      {help && (
        <p id={`${id}-help`} className="field-help">
          {help}
        </p>
      )}
    </div>
  );
}

const DEFAULT_RETURN_PATH = "/my-work";

/** Returns the URL that starts GitHub sign-in; the API sends the browser back to /auth/github, then to `next`. */
export function githubSignInUrl(next) {
  return `/v1/auth/github/login?${new URLSearchParams({ next })}`;
}

function GitHubSignIn({ next }) {
  return (
    <p className="auth-page__github">
      <a className="button" href={githubSignInUrl(next)}>
        Sign in with GitHub
      </a>
    </p>
  );
}

/** Sign-up (`mode="signup"`) or log-in form. */
export function AuthPage({ mode }) {
  const signingUp = mode === "signup";
  const features = useSchemaFeatures();
  const { signIn } = useAuth();
  const { params } = useLocation();
  const next = sameSitePath(params.get("next"), DEFAULT_RETURN_PATH);
  const [mutate, { loading, error }] = useMutation(signingUp ? REGISTER : LOG_IN);
  const [form, setForm] = useState({ email: "", password: "", displayName: "" });
  const operation = signingUp ? "register" : "login";
  const title = signingUp ? "Create your account" : "Log in";

  if (!features.loading && !features.hasMutation(operation)) {
    return (
      <EmptyState title={`${signingUp ? "Sign-up" : "Log-in"} is not available yet`}>
        <p>This server's API does not offer accounts yet. You can still search issues without one.</p>
      </EmptyState>
    );
  }

  async function handleSubmit(event) {
    event.preventDefault();
    const credentials = { email: form.email.trim(), password: form.password };
    const variables = signingUp ? { input: { ...credentials, displayName: form.displayName.trim() } } : credentials;
    const result = await mutate({ variables }).catch(() => null);
    const payload = signingUp ? result?.data?.register?.tokens : result?.data?.login;
    if (payload) {
      await signIn(payload);
      navigate(next);
    }
  }

  const update = (field) => (event) => setForm({ ...form, [field]: event.target.value });
  return (
    <section className="auth-page" aria-labelledby="auth-title">
      <h1 id="auth-title">{title}</h1>
      <form onSubmit={handleSubmit} className="auth-form">
        {signingUp && (
          <TextField label="Your name" value={form.displayName} onChange={update("displayName")} required maxLength={100} autoComplete="name" />
        )}
        <TextField label="Email" type="email" value={form.email} onChange={update("email")} required autoComplete="email" />
        <TextField
          label="Password"
          type="password"
          value={form.password}
          onChange={update("password")}
          required
          minLength={signingUp ? MIN_PASSWORD_LENGTH : undefined}
          autoComplete={signingUp ? "new-password" : "current-password"}
          help={signingUp ? `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.` : undefined}
        />
        {error && (
          <p className="field-error" role="alert">
            {signingUp ? "Sign-up failed: " : "Log-in failed: "}
            {describeError(error)}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={loading}>
          {loading ? "Please wait…" : signingUp ? "Sign up" : "Log in"}
        </button>
      </form>
      <GitHubSignIn next={next} />
      <p>
        {signingUp ? (
          <>
            Already have an account? <Link to="/login">Log in</Link>
          </>
        ) : (
          <>
            New here? <Link to="/signup">Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}
