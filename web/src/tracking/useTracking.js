import { useMutation, useQuery } from "@apollo/client";

import { useAuth } from "../auth.jsx";
import { describeError } from "../components/StateMessage.jsx";
import { BOOKMARK_ISSUE, MY_BOOKMARKS, UPDATE_BOOKMARK } from "../graphql/tracking.js";
import { useSchemaFeatures } from "../schemaFeatures.jsx";
import { normaliseStatus } from "./statuses.js";

const STATUS_ENUM = "TrackingStatus";
// NOTE: status changes need the bookmark id, which search hits do not carry,
// so it is looked up in the caller's most recently changed bookmarks. An
// issue outside these can be bookmarked but not moved from a result.
export const BOOKMARKS_LIMIT = 100;

/**
 * Returns bookmark and status actions for one issue, or `available: false`
 * when the server's schema has no bookmark operations.
 */
export function useTracking(issueId) {
  const features = useSchemaFeatures();
  const { signedIn } = useAuth();
  const available =
    features.hasMutation("createBookmark") && features.hasMutation("updateBookmark") && features.hasQuery("bookmarks");
  const enumValues = features.enumValues(STATUS_ENUM);
  const bookmarks = useQuery(MY_BOOKMARKS, { variables: { limit: BOOKMARKS_LIMIT }, skip: !signedIn || !available });
  const bookmark = bookmarks.data?.bookmarks.items.find((item) => item.issueId === issueId) ?? null;
  const refetchQueries = ["SearchIssues", "IssueDetail", "MyBookmarks", "Dashboard"];
  const [create, createState] = useMutation(BOOKMARK_ISSUE, { refetchQueries });
  const [update, updateState] = useMutation(UPDATE_BOOKMARK, { refetchQueries });

  // GraphQL enums may spell statuses `IN_PROGRESS` or `in_progress`.
  function toApiStatus(status) {
    return enumValues.find((value) => normaliseStatus(value) === status) ?? status;
  }

  return {
    available,
    bookmark,
    busy: createState.loading || updateState.loading,
    error: describeError(createState.error || updateState.error),
    addBookmark: () => create({ variables: { input: { issueId, status: toApiStatus("to_do") } } }),
    changeStatus: (status, prUrl) => {
      if (!bookmark) return Promise.reject(new Error("the bookmark of this issue is not loaded yet; reload the page"));
      const input = { status: toApiStatus(status), ...(prUrl ? { prUrl } : {}) };
      return update({ variables: { id: bookmark.id, input } });
    },
  };
}
