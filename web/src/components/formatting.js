const relativeTime = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** Returns "3 days ago", "last month" and so on for an ISO timestamp. */
export function formatAge(isoTime, now = Date.now()) {
  const seconds = (new Date(isoTime).getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeTime.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export function formatDate(isoTime) {
  return new Date(isoTime).toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric" });
}

export function formatCount(count) {
  return new Intl.NumberFormat("en", { notation: count >= 10_000 ? "compact" : "standard" }).format(count);
}

export function plural(count, singular, pluralForm = `${singular}s`) {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
