import React, { useEffect, useRef } from "react";
import { useQuery } from "@apollo/client";

import { useAuth } from "./auth.jsx";
import { EmptyState } from "./components/StateMessage.jsx";
import { UNREAD_NOTIFICATIONS } from "./graphql/alerts.js";
import { AnalyticsPage } from "./pages/AnalyticsPage.jsx";
import { AuthPage } from "./pages/AuthPage.jsx";
import { DashboardPage } from "./pages/DashboardPage.jsx";
import { GitHubCallbackPage } from "./pages/GitHubCallbackPage.jsx";
import { IssuePage } from "./pages/IssuePage.jsx";
import { MyWorkPage } from "./pages/MyWorkPage.jsx";
import { NotificationsPage } from "./pages/NotificationsPage.jsx";
import { ProjectPage, ProjectsPage } from "./pages/ProjectsPage.jsx";
import { SavedSearchesPage } from "./pages/SavedSearchesPage.jsx";
import { Link, matchRoute, useLocation } from "./router.jsx";
import { useSchemaFeatures } from "./schemaFeatures.jsx";
import { SearchPage } from "./search/SearchPage.jsx";

const ROUTES = [
  ["/", () => <SearchPage />],
  ["/issues/:id", ({ id }) => <IssuePage key={id} id={id} />],
  ["/signup", () => <AuthPage key="signup" mode="signup" />],
  ["/login", () => <AuthPage key="login" mode="login" />],
  ["/auth/github", () => <GitHubCallbackPage />],
  ["/my-work", () => <MyWorkPage />],
  ["/dashboard", () => <DashboardPage />],
  ["/analytics", () => <AnalyticsPage />],
  ["/projects", () => <ProjectsPage />],
  ["/projects/:id", ({ id }) => <ProjectPage key={id} id={id} />],
  ["/saved-searches", () => <SavedSearchesPage />],
  ["/notifications", () => <NotificationsPage />],
];

function NotFoundPage() {
  return (
    <EmptyState title="This page does not exist" actions={<Link to="/">Go to search</Link>}>
      <p>Check the address, or start from the search page.</p>
    </EmptyState>
  );
}

/** Link to the notifications with the unread count; rendered only when the API offers it. */
function NotificationsBadge() {
  const { data } = useQuery(UNREAD_NOTIFICATIONS, { pollInterval: 60_000 });
  const unread = data?.unreadNotificationCount ?? 0;
  return (
    <Link to="/notifications" className="button button--small" aria-label={`Notifications, ${unread} unread`}>
      Notifications
      {unread > 0 && (
        <span className="badge" role="status">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}

function NavLink({ to, path, children }) {
  const current = to === "/" ? path === "/" || path.startsWith("/issues/") : path.startsWith(to);
  return (
    <li>
      <Link to={to} aria-current={current ? "page" : undefined}>
        {children}
      </Link>
    </li>
  );
}

function SiteHeader({ path }) {
  const { signedIn, viewer, signOut } = useAuth();
  const features = useSchemaFeatures();
  return (
    <header className="site-header">
      <Link to="/" className="site-header__brand">
        OSS Odyssey
      </Link>
      <nav aria-label="Main">
        <ul className="site-nav">
          <NavLink to="/" path={path}>
            Search
          </NavLink>
          {signedIn && (
            <NavLink to="/my-work" path={path}>
              My work
            </NavLink>
          )}
          {signedIn && (
            <NavLink to="/dashboard" path={path}>
              Dashboard
            </NavLink>
          )}
          {features.hasQuery("projects") && (
            <NavLink to="/projects" path={path}>
              Projects
            </NavLink>
          )}
          {signedIn && features.hasQuery("savedSearches") && (
            <NavLink to="/saved-searches" path={path}>
              Saved searches
            </NavLink>
          )}
          {features.hasQuery("analytics") && (
            <NavLink to="/analytics" path={path}>
              Analytics
            </NavLink>
          )}
        </ul>
      </nav>
      <div className="site-header__account">
        {signedIn ? (
          <>
            {features.hasQuery("unreadNotificationCount") && <NotificationsBadge />}
            <span className="site-header__name">{viewer?.displayName ?? ""}</span>
            <button type="button" className="button button--small" onClick={signOut}>
              Log out
            </button>
          </>
        ) : (
          <>
            <Link to="/login" className="button button--small">
              Log in
            </Link>
            <Link to="/signup" className="button button--small button--primary">
              Sign up
            </Link>
          </>
        )}
      </div>
    </header>
  );
}

// Page titles by the first part of the path, so each page has its own title
// in tabs, history and screen-reader announcements.
const PAGE_TITLES = {
  "": "Search",
  issues: "Issue",
  "my-work": "My work",
  dashboard: "Dashboard",
  projects: "Projects",
  "saved-searches": "Saved searches",
  notifications: "Notifications",
  analytics: "Analytics",
  login: "Log in",
  signup: "Sign up",
  auth: "Signing in",
};

/** Sets the page title and, after a navigation inside the app, moves focus to
 * the new page, as a full page load would for screen-reader users. */
function usePageChange(path) {
  const first = useRef(true);
  useEffect(() => {
    const title = PAGE_TITLES[path.split("/")[1] ?? ""] ?? "Page not found";
    document.title = `${title} · OSS Odyssey`;
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [path]);
}

export function App() {
  const { path } = useLocation();
  const page = matchRoute(ROUTES, path) ?? <NotFoundPage />;
  usePageChange(path);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader path={path} />
      <main id="main" tabIndex={-1} className="site-main">
        {page}
      </main>
      <footer className="site-footer">
        <p>
          OSS Odyssey collects beginner-friendly issues from open-source projects. The API is described at{" "}
          <a href="/docs">/docs</a>.
        </p>
      </footer>
    </>
  );
}
