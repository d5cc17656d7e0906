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

// Formatters are built once: building an Intl formatter costs far more than
// using one, and a result page formats dozens of counts and dates.
const dateFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric" });
const countFormat = new Intl.NumberFormat("en", { notation: "standard" });
const compactCountFormat = new Intl.NumberFormat("en", { notation: "compact" });
// The browser's locale, as Date.prototype.toLocaleString uses.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDate(isoTime) {
  return dateFormat.format(new Date(isoTime));
}

export function formatDateTime(isoTime) {
  return dateTimeFormat.format(new Date(isoTime));
}

export function formatCount(count) {
  return (count >= 10_000 ? compactCountFormat : countFormat).format(count);
}

export function plural(count, singular, pluralForm = `${singular}s`) {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
