// End-to-end walk of the web UI in headless Chromium (Debian's package,
// driven by playwright-core).
//
// Usage: node web/e2e/run.mjs BASE_URL SCREENSHOT_DIR
//
// Steps: search, which also prints how long the first results take to appear
// after the API response. Then narrow with two facets, open an issue, sign
// up, bookmark, move to in progress, complete with a pull request link, see it
// on the dashboard, and save a search and see it listed. Last, bookmark and
// move an issue from a search result, create a project, sign in with GitHub,
// and join and leave the project as the GitHub user. GitHub sign-in needs a server whose
// GitHub OAuth app points at a provider that approves at once, such as the
// fake in fakes/github_oauth that tests/test_web_e2e.py starts.
//
// A step whose GraphQL operation or server feature is missing is reported as
// NOT RUN with the reason, and the steps after it that depend on it too. A
// failing step saves a screenshot. Exit code: 0 when no step failed, 1
// otherwise, 2 for bad usage.
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
const RUN_TIMEOUT_MS = 200_000;
const GITHUB_SIGN_IN = "GitHub sign-in";
// Why a step needing a server feature that is not a GraphQL operation cannot run.
const FEATURE_REASONS = {
  [GITHUB_SIGN_IN]: "GitHub sign-in is not configured on the server (GITHUB_OAUTH_CLIENT_ID and friends)",
};

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

/**
 * Returns true when GitHub sign-in starts: the login route redirects to the
 * provider. An unconfigured server sends the browser back to the web UI.
 */
async function githubSignInConfigured() {
  const response = await fetch(new URL("/v1/auth/github/login?next=/", baseUrl), { redirect: "manual" });
  const location = response.headers.get("location") ?? "";
  return response.status === 302 && !location.startsWith("/");
}

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
    const missingFeature = missing.find((operation) => FEATURE_REASONS[operation]);
    const reason = missingFeature
      ? FEATURE_REASONS[missingFeature]
      : missing.length
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
  "create a project": ["join and leave the project"],
  "sign in with GitHub": ["join and leave the project"],
};

const FIRST_RESULTS_LOADS = 5;

/**
 * Returns the timings of the latest search before the hits were painted, from
 * the marks of web/src/apollo.js and ResultList.jsx and the request's Resource
 * Timing entry (the `/graphql` fetch that started closest to the request mark).
 */
async function measureFirstResults() {
  await page.waitForFunction(() => performance.getEntriesByName("odyssey:results-shown", "mark").length > 0);
  return page.evaluate(() => {
    const marks = (name) => performance.getEntriesByName(name, "mark");
    const shown = marks("odyssey:results-shown")[0];
    const before = (entries) => entries.filter((entry) => entry.startTime <= shown.startTime).at(-1);
    const requested = before(marks("odyssey:search-request"));
    const arrived = before(marks("odyssey:search-response"));
    const resources = performance.getEntriesByType("resource");
    const request = resources
      .filter((entry) => entry.name.endsWith("/graphql"))
      .sort((a, b) => Math.abs(a.startTime - requested.startTime) - Math.abs(b.startTime - requested.startTime))[0];
    const scripts = resources.filter((entry) => entry.name.endsWith(".js"));
    return {
      requestedAt: requested.startTime,
      responseEnd: request.responseEnd,
      arrivedAt: arrived.startTime,
      shownAt: shown.startTime,
      scriptLoadedAt: Math.max(...scripts.map((entry) => entry.responseEnd)),
      requests: resources.map(
        (entry) => `${entry.name.replace(window.location.origin, "")} ${entry.startTime.toFixed(0)}-${entry.responseEnd.toFixed(0)} ms`,
      ),
    };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Loads the search page FIRST_RESULTS_LOADS times and prints, for each load,
 * how long after the search response the hits were painted: counted from the
 * response's last byte (Resource Timing) and from the moment the page's script
 * had the body. A measurement, not a check.
 */
async function printFirstResultTimings(url) {
  const fromNetwork = [];
  const fromScript = [];
  for (let load = 1; load <= FIRST_RESULTS_LOADS; load += 1) {
    await page.goto(url);
    const timing = await measureFirstResults();
    fromNetwork.push(timing.shownAt - timing.responseEnd);
    fromScript.push(timing.shownAt - timing.arrivedAt);
    console.log(
      `TIMING   load ${load}: results painted ${fromNetwork.at(-1).toFixed(1)} ms after the search response ended ` +
        `(${fromScript.at(-1).toFixed(1)} ms after the script had it); script loaded at ${timing.scriptLoadedAt.toFixed(0)} ms, ` +
        `search sent at ${timing.requestedAt.toFixed(0)} ms, answered at ${timing.responseEnd.toFixed(0)} ms, ` +
        `painted at ${timing.shownAt.toFixed(0)} ms`,
    );
    if (load === 1) console.log(`         requests: ${timing.requests.join("; ")}`);
  }
  const summary = (values) => `median ${median(values).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
  console.log(
    `TIMING   first results painted after the search response over ${FIRST_RESULTS_LOADS} loads: ` +
      `${summary(fromNetwork)} from its last byte; ${summary(fromScript)} from the script having it`,
  );
}

async function selectedFacetCount() {
  return page.locator(".facet-sidebar input[type=checkbox]:checked").count();
}

async function resultCountText() {
  return (await page.locator(".result-count").textContent()).trim();
}

/** Returns the locator of the search result card whose title is `title`. */
function resultCard(title) {
  return page.locator(".result-card", { has: page.getByRole("heading", { name: title, exact: true }) });
}

async function run() {
  const operations = await fetchOperations();
  if (await githubSignInConfigured()) operations.add(GITHUB_SIGN_IN);
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
  const projectName = `E2E project ${Date.now()}`;
  let issueTitle = "";

  await step("search", ["search"], operations, async () => {
    await printFirstResultTimings(new URL("/?q=docs", baseUrl).href);
    await page.locator(".result-card:not(.result-card--skeleton)").first().waitFor();
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
    // Screen readers learn of the new page from its title and the moved focus.
    const { title, focused } = await page.evaluate(() => ({ title: document.title, focused: document.activeElement?.id }));
    if (!title.startsWith("Issue")) throw new Error(`the issue page's title is "${title}"`);
    if (focused !== "main") throw new Error(`focus stayed on "${focused}" after opening the issue`);
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

  await step("come back with an expired access token", ["refreshTokens", "search"], operations, async () => {
    // The stored access token no longer works; the app must refresh the
    // session and repeat the search instead of showing an error.
    await page.evaluate(() => {
      const session = JSON.parse(window.localStorage.getItem("odyssey.session"));
      session.accessToken = "expired.access.token";
      window.localStorage.setItem("odyssey.session", JSON.stringify(session));
    });
    await page.goto(new URL("/?q=docs", baseUrl).href);
    await page.locator(".result-card:not(.result-card--skeleton)").first().waitFor();
    const stored = await page.evaluate(() => JSON.parse(window.localStorage.getItem("odyssey.session")));
    if (!stored || stored.accessToken === "expired.access.token") {
      throw new Error("the session was not refreshed after the API rejected the access token");
    }
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

  await step("bookmark and move an issue from a result", ["createBookmark", "updateBookmark"], operations, async () => {
    await page.goto(new URL("/?q=docs", baseUrl).href);
    await page.locator(".result-card:not(.result-card--skeleton)").first().waitFor();
    // An issue that the earlier steps did not bookmark.
    const title = (await page.locator(".result-card", { has: page.getByRole("button", { name: /^Bookmark/ }) }).first().locator(".result-card__title").textContent()).trim();
    const card = resultCard(title);
    await card.getByRole("button", { name: /^Bookmark/ }).click();
    const status = card.getByLabel(/Status of/);
    await status.waitFor();
    await status.selectOption("in_progress");
    await page.waitForFunction(
      (text) => [...document.querySelectorAll(".result-card")].some((element) => element.querySelector(".result-card__title")?.textContent.trim() === text && element.querySelector("select")?.value === "in_progress" && !element.querySelector("select").disabled),
      title,
    );
    if ((await card.getByRole("alert").count()) > 0) throw new Error(`the card shows an error: ${await card.getByRole("alert").textContent()}`);
    // The status comes back from the server after a reload.
    await page.reload();
    await resultCard(title).getByLabel(/Status of/).waitFor();
    const reloaded = await resultCard(title).getByLabel(/Status of/).inputValue();
    if (reloaded !== "in_progress") throw new Error(`after a reload the result shows status ${reloaded}, expected in_progress`);
  });

  await step("create a project", ["createProject", "project"], operations, async () => {
    await page.goto(new URL("/projects", baseUrl).href);
    await page.getByText("Create a project", { exact: true }).click();
    const form = page.getByRole("form", { name: "Create a project" });
    await form.getByLabel("Name").fill(projectName);
    await form.getByLabel("Description").fill("Issues picked by the end-to-end walk.");
    await form.getByLabel(/^Link/).fill("https://github.com/acme");
    await form.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/projects\/\d+$/);
    await page.getByRole("heading", { level: 1, name: new RegExp(projectName) }).waitFor();
    await page.locator(".role-badge", { hasText: "Owner" }).first().waitFor();
    await page.getByRole("heading", { name: "Your issues in this project" }).waitFor();
  });

  await step("sign in with GitHub", [GITHUB_SIGN_IN], operations, async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("link", { name: "Log in" }).first().waitFor();
    await page.goto(new URL("/login?next=/projects", baseUrl).href);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL((url) => url.pathname === "/projects");
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.locator(".site-header__name", { hasText: "The Octocat" }).waitFor();
    if (page.url().includes("code=")) throw new Error(`the sign-in code stayed in the address: ${page.url()}`);
    const stored = await page.evaluate(() => window.localStorage.getItem("odyssey.session"));
    if (!stored?.includes("accessToken")) throw new Error("no session was stored after GitHub sign-in");
  });

  await step("join and leave the project", ["joinProject", "leaveProject", "projects"], operations, async () => {
    await page.goto(new URL("/projects", baseUrl).href);
    const card = page.locator(".project-card", { hasText: projectName });
    await card.getByRole("button", { name: `Join project ${projectName}` }).click();
    await card.getByRole("button", { name: `Leave project ${projectName}` }).waitFor();
    await card.getByText("2 members").waitFor();
    await card.getByRole("link", { name: projectName }).click();
    await page.locator(".role-badge", { hasText: "Member" }).first().waitFor();
    await page.getByRole("heading", { name: "Your issues in this project" }).waitFor();
    await page.getByRole("button", { name: `Leave project ${projectName}` }).click();
    await page.getByRole("button", { name: `Join project ${projectName}` }).waitFor();
    await page.getByText("1 member", { exact: true }).waitFor();
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
