// End-to-end walk of the web UI in headless Chromium (Debian's package,
// driven by playwright-core).
//
// Usage: node web/e2e/run.mjs BASE_URL SCREENSHOT_DIR
//
// Steps: search, narrow with two facets, open an issue, sign up, bookmark,
// move to in progress, complete with a pull request link, see it on the
// dashboard, save a search and see it listed. A step whose GraphQL operation the server does not offer is
// reported as NOT RUN with the missing operation, and the steps after it that
// depend on it too. A failing step saves a screenshot. Exit code: 0 when no
// step failed, 1 otherwise, 2 for bad usage.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { chromium } from "playwright-core";

const CHROMIUM = process.env.ODYSSEY_CHROMIUM || "/usr/bin/chromium";
// Flags that keep Chromium off the network except for the app under test.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const STEP_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 180_000;

const [baseUrl, screenshotDir] = process.argv.slice(2);
if (!baseUrl || !screenshotDir) {
  console.error("usage: node web/e2e/run.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
mkdirSync(screenshotDir, { recursive: true });

const watchdog = setTimeout(() => {
  console.error(`FAIL the whole run took longer than ${RUN_TIMEOUT_MS / 1000} s and was stopped`);
  process.exit(1);
}, RUN_TIMEOUT_MS);

/** Returns the names of the Query and Mutation fields the server offers. */
async function fetchOperations() {
  const response = await fetch(new URL("/graphql", baseUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }" }),
  });
  const body = await response.json();
  const names = (type) => (type?.fields ?? []).map((field) => field.name);
  return new Set([...names(body.data.__schema.queryType), ...names(body.data.__schema.mutationType)]);
}

const results = [];
let page;

async function step(name, requiredOperations, operations, body) {
  const missing = requiredOperations.filter((operation) => !operations.has(operation));
  const blocked = results.find((result) => result.status !== "PASS" && result.blocks?.includes(name));
  if (missing.length > 0 || blocked) {
    const reason = missing.length
      ? `the GraphQL API has no ${missing.map((operation) => `\`${operation}\``).join(", ")}`
      : `it needs the step "${blocked.name}"`;
    results.push({ name, status: "NOT RUN", reason, blocks: DEPENDENTS[name] });
    console.log(`NOT RUN  ${name}: ${reason}`);
    return;
  }
  const started = Date.now();
  try {
    await body();
    results.push({ name, status: "PASS" });
    console.log(`PASS     ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    const file = path.join(screenshotDir, `${results.length + 1}-${name.replace(/\W+/g, "-")}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    results.push({ name, status: "FAIL", reason: error.message.split("\n")[0], blocks: DEPENDENTS[name] });
    console.log(`FAIL     ${name}: ${error.message}\n         screenshot: ${file}\n         page: ${page.url()}`);
  }
}

// Steps that cannot run after the named step failed or did not run.
const DEPENDENTS = {
  "search": ["narrow with two facets", "open an issue", "bookmark"],
  "open an issue": ["bookmark"],
  "sign up": [
    "bookmark",
    "move to in progress",
    "complete with a PR link",
    "see it on the dashboard",
    "save a search",
  ],
  "bookmark": ["move to in progress", "complete with a PR link", "see it on the dashboard"],
  "move to in progress": ["complete with a PR link", "see it on the dashboard"],
  "complete with a PR link": ["see it on the dashboard"],
};

/** Time from the end of the search's API response to the results on screen, from the Performance API. */
async function measureFirstResults() {
  return page.evaluate(() => {
    const shown = performance.getEntriesByName("odyssey:results-shown", "mark")[0];
    const responses = performance
      .getEntriesByType("resource")
      .filter((entry) => entry.name.endsWith("/graphql") && entry.responseEnd <= shown.startTime);
    // The search is the last API response before the results appear.
    const searchResponse = responses.at(-1);
    return {
      shownAt: shown.startTime,
      responseEnd: searchResponse.responseEnd,
      requests: performance
        .getEntriesByType("resource")
        .map((entry) => `${entry.name.replace(window.location.origin, "")} ${entry.startTime.toFixed(0)}-${entry.responseEnd.toFixed(0)} ms`),
    };
  });
}

async function selectedFacetCount() {
  return page.locator(".facet-sidebar input[type=checkbox]:checked").count();
}

async function resultCountText() {
  return (await page.locator(".result-count").textContent()).trim();
}

async function run() {
  const operations = await fetchOperations();
  const userDataDir = mkdtempSync(path.join(tmpdir(), "odyssey-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const email = `e2e-${Date.now()}@example.org`;
  let issueTitle = "";

  await step("search", ["search"], operations, async () => {
    await page.goto(new URL("/?q=docs", baseUrl).href);
    await page.locator(".result-card:not(.result-card--skeleton)").first().waitFor();
    const { shownAt, responseEnd, requests } = await measureFirstResults();
    console.log(`TIMING   first results on screen ${(shownAt - responseEnd).toFixed(1)} ms after the API response ended`);
    console.log(`         requests: ${requests.join("; ")}; results shown at ${shownAt.toFixed(0)} ms`);
    const count = await resultCountText();
    if (!/\d+ issues? found/.test(count)) throw new Error(`the result count reads "${count}"`);
  });

  await step("narrow with two facets", ["search"], operations, async () => {
    const before = await resultCountText();
    await page.locator(".facet-group", { hasText: "Language" }).locator("input[type=checkbox]").first().check();
    await page.waitForURL(/language=/);
    await page.locator(".facet-group", { hasText: "Labels" }).locator("input[type=checkbox]").first().check();
    await page.waitForURL(/label=.*language=|language=.*label=/);
    await page.locator(".result-card:not(.result-card--skeleton)").first().waitFor();
    await page.waitForFunction(() => !document.querySelector(".is-refreshing"));
    if ((await selectedFacetCount()) !== 2) throw new Error("two facet values should be checked");
    console.log(`         results: "${before}" -> "${await resultCountText()}"`);
    await page.goBack();
    await page.waitForFunction(() => !/label=/.test(window.location.search));
    if ((await selectedFacetCount()) !== 1) throw new Error("the back button should leave one facet value checked");
    await page.goForward();
    await page.waitForURL(/label=/);
  });

  await step("open an issue", ["issue"], operations, async () => {
    const link = page.locator(".result-card__title a").first();
    issueTitle = (await link.textContent()).trim();
    await link.click();
    await page.waitForURL(/\/issues\//);
    const heading = (await page.locator("#issue-title").textContent()).trim();
    if (heading !== issueTitle) throw new Error(`the issue page shows "${heading}", expected "${issueTitle}"`);
  });
  const issueUrl = page.url();

  await step("sign up", ["register", "viewer"], operations, async () => {
    await page.goto(new URL("/signup", baseUrl).href);
    await page.getByLabel("Your name").fill("E2E Tester");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(/\/my-work/);
    await page.getByRole("button", { name: "Log out" }).waitFor();
  });

  await step("bookmark", ["createBookmark", "bookmarks"], operations, async () => {
    await page.goto(issueUrl);
    await page.getByRole("button", { name: /Bookmark/ }).click();
    await page.getByLabel(/Status of/).waitFor();
  });

  await step("move to in progress", ["updateBookmark"], operations, async () => {
    await page.getByLabel(/Status of/).selectOption("in_progress");
    await page.waitForFunction(() => document.querySelector(".track-control select")?.value === "in_progress");
  });

  await step("complete with a PR link", ["updateBookmark"], operations, async () => {
    await page.getByLabel(/Status of/).selectOption("completed");
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Pull request link").fill("https://github.com/acme/widgets/pull/77");
    await dialog.getByRole("button", { name: "Mark completed" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(() => document.querySelector(".track-control select")?.value === "completed");
  });

  await step("see it on the dashboard", ["dashboard"], operations, async () => {
    await page.goto(new URL("/dashboard", baseUrl).href);
    const completed = page.locator('.stat-tile[data-status="completed"] .stat-tile__value');
    await completed.waitFor();
    const value = (await completed.textContent()).trim();
    if (value !== "1") throw new Error(`the dashboard shows ${value} completed issues, expected 1`);
  });

  await step("save a search", ["createSavedSearch", "savedSearches"], operations, async () => {
    await page.goto(new URL("/?q=docs", baseUrl).href);
    await page.locator(".result-card:not(.result-card--skeleton)").first().waitFor();
    await page.getByText("Save this search", { exact: true }).click();
    await page.locator("#save-search-name").fill("E2E docs");
    await page.getByRole("button", { name: "Save search" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.goto(new URL("/saved-searches", baseUrl).href);
    await page.getByRole("link", { name: "E2E docs" }).waitFor();
  });

  if (pageErrors.length > 0) console.log(`page errors:\n  ${pageErrors.join("\n  ")}`);
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

try {
  await run();
} catch (error) {
  console.log(`FAIL     the run stopped: ${error.stack}`);
  results.push({ name: "run", status: "FAIL" });
}
clearTimeout(watchdog);
const count = (status) => results.filter((result) => result.status === status).length;
console.log(`${count("PASS")} passed, ${count("FAIL")} failed, ${count("NOT RUN")} not run`);
process.exit(count("FAIL") > 0 ? 1 : 0);
