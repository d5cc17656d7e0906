import React from "react";

/** A designed empty or notice state: a heading, a sentence and optional actions. */
export function EmptyState({ title, children, actions }) {
  return (
    <section className="state-message" aria-label={title}>
      <h2>{title}</h2>
      {children && <div className="state-message__text">{children}</div>}
      {actions && <div className="state-message__actions">{actions}</div>}
    </section>
  );
}

/** Returns the message of the first GraphQL or network error in plain words. */
export function describeError(error) {
  if (!error) return "";
  const graphQLError = error.graphQLErrors?.[0];
  if (graphQLError) return graphQLError.message;
  if (error.networkError) {
    const status = error.networkError.statusCode;
    return status
      ? `The server answered with HTTP ${status}.`
      : "The server could not be reached. Check that the OSS Odyssey API is running.";
  }
  return error.message;
}

export function errorCode(error) {
  return error?.graphQLErrors?.[0]?.extensions?.code ?? null;
}

/** What failed, the server's reason and a way to try again. */
export function ErrorState({ title, error, onRetry }) {
  return (
    <section className="state-message state-message--error" role="alert">
      <h2>{title}</h2>
      <p className="state-message__text">{describeError(error)}</p>
      {onRetry && (
        <div className="state-message__actions">
          <button type="button" className="button" onClick={() => onRetry()}>
            Try again
          </button>
        </div>
      )}
    </section>
  );
}
