// The signed-in session (access and refresh tokens) kept in localStorage, so
// it survives reloads and is shared by the tabs of one browser.
const STORAGE_KEY = "odyssey.session";
const listeners = new Set();

export function readSession() {
  try {
    const stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
    return stored && typeof stored.accessToken === "string" ? stored : null;
  } catch {
    return null;
  }
}

/** Turns a token payload of the API into the stored session. */
export function sessionFromPayload(payload) {
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken ?? null,
    accessExpiresAt: payload.expiresIn ? Date.now() + payload.expiresIn * 1000 : null,
  };
}

/** Stores a session: `{ accessToken, refreshToken, accessExpiresAt }` (ms since epoch) or null. */
export function writeSession(session) {
  if (session) window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else window.localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener(session);
}

export function subscribeSession(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

window.addEventListener("storage", (event) => {
  if (event.key === STORAGE_KEY) for (const listener of listeners) listener(readSession());
});
