// The last few search texts, kept in localStorage for the search box's suggestions.
const STORAGE_KEY = "odyssey.recentSearches";
const MAX_RECENT = 8;

export function readRecentSearches() {
  try {
    const stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "[]");
    return Array.isArray(stored) ? stored.filter((item) => typeof item === "string") : [];
  } catch {
    return [];
  }
}

export function rememberSearch(text) {
  const trimmed = text.trim();
  if (!trimmed) return;
  const next = [trimmed, ...readRecentSearches().filter((item) => item !== trimmed)].slice(0, MAX_RECENT);
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
}
