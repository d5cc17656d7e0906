// A small router over the History API: the app has a handful of routes, and
// the search page keeps its whole state in the query string.
import React, { useSyncExternalStore } from "react";

const listeners = new Set();

function notify() {
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function currentUrl() {
  return window.location.pathname + window.location.search;
}

/** Returns `{ path, params }` of the current URL and re-renders when it changes. */
export function useLocation() {
  const url = useSyncExternalStore(subscribe, currentUrl);
  const parsed = new URL(url, window.location.origin);
  return { path: parsed.pathname, params: parsed.searchParams, url };
}

/** Goes to `url`; `replace` changes the current history entry instead of adding one. */
export function navigate(url, { replace = false } = {}) {
  if (url === currentUrl()) return;
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  notify();
}

/**
 * Returns `path` when it is a path on this site, else `fallback`. Paths
 * starting with `//` or containing a backslash or a control character could
 * lead a browser to another site. The API applies the same rule to `next`.
 */
export function sameSitePath(path, fallback) {
  const valid =
    typeof path === "string" &&
    path.length <= 500 &&
    path.startsWith("/") &&
    !path.startsWith("//") &&
    !path.includes("\\") &&
    !/[\u0000-\u0020\u007f]/.test(path);
  return valid ? path : fallback;
}

function isPlainLeftClick(event) {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** An anchor that changes the route without reloading the page. */
export function Link({ to, onClick, children, ...rest }) {
  function handleClick(event) {
    onClick?.(event);
    if (event.defaultPrevented || !isPlainLeftClick(event)) return;
    event.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  }
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

/**
 * Matches `path` against patterns such as `/issues/:id` and returns the first
 * route's element with the decoded parameters, or null.
 */
export function matchRoute(routes, path) {
  for (const [pattern, render] of routes) {
    const names = [];
    const source = pattern.replace(/:([a-zA-Z]+)/g, (_, name) => {
      names.push(name);
      return "([^/]+)";
    });
    const match = new RegExp(`^${source}/?$`).exec(path);
    if (match) {
      let values;
      try {
        values = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1])]));
      } catch {
        // A malformed percent-escape names nothing: the not-found page shows.
        return null;
      }
      return render(values);
    }
  }
  return null;
}
