import { useMutation } from "@apollo/client";
import { useState } from "react";

import { describeError } from "../components/StateMessage.jsx";
import { BOOKMARK_ISSUE, UPDATE_BOOKMARK } from "../graphql/tracking.js";
import { useSchemaFeatures } from "../schemaFeatures.jsx";
import { normaliseStatus } from "./statuses.js";

const STATUS_ENUM = "TrackingStatus";
// Bookmark lists and the dashboard are refetched when they are mounted. Search
// hits and the issue page are updated in the cache instead, so a status
// change does not repeat the search.
const REFETCH_QUERIES = ["MyBookmarks", "ProjectBookmarks", "Dashboard"];

/** Writes the caller's bookmark state into the cached search hit and issue. */
function writeIssueState(cache, issueId, bookmark) {
  const fields = {
    bookmarked: () => true,
    myStatus: () => bookmark.status,
    bookmarkId: () => bookmark.id,
  };
  for (const typename of ["IssueHit", "Issue"]) {
    const id = cache.identify({ __typename: typename, id: issueId });
    if (id) cache.modify({ id, fields });
  }
}

/** Returns true when the server's schema has the bookmark operations. */
export function useTrackingAvailable() {
  const features = useSchemaFeatures();
  return features.hasMutation("createBookmark") && features.hasMutation("updateBookmark");
}

/**
 * Returns bookmark and status actions for one issue. `bookmarkId` comes with
 * the search hit or issue, and it is null while the issue is not tracked. The
 * id of a bookmark created here is kept until the cached hit carries it.
 */
export function useTracking(issueId, bookmarkId) {
  const features = useSchemaFeatures();
  const enumValues = features.enumValues(STATUS_ENUM);
  const [createdId, setCreatedId] = useState(null);
  const update = (cache, { data }) => {
    const bookmark = data?.createBookmark ?? data?.updateBookmark;
    if (bookmark) writeIssueState(cache, issueId, bookmark);
  };
  const [create, createState] = useMutation(BOOKMARK_ISSUE, { refetchQueries: REFETCH_QUERIES, update });
  const [change, changeState] = useMutation(UPDATE_BOOKMARK, { refetchQueries: REFETCH_QUERIES, update });
  const id = bookmarkId ?? createdId;

  // GraphQL enums may spell statuses `IN_PROGRESS` or `in_progress`.
  function toApiStatus(status) {
    return enumValues.find((value) => normaliseStatus(value) === status) ?? status;
  }

  return {
    busy: createState.loading || changeState.loading,
    error: describeError(createState.error || changeState.error),
    /** Forgets the last failure, so an old error does not show next to a new attempt. */
    clearError: () => {
      createState.reset();
      changeState.reset();
    },
    addBookmark: async () => {
      const result = await create({ variables: { input: { issueId, status: toApiStatus("to_do") } } });
      setCreatedId(result.data?.createBookmark?.id ?? null);
      return result;
    },
    changeStatus: (status, prUrl) => {
      if (id == null) return Promise.reject(new Error("this issue has no bookmark yet; bookmark it first"));
      const input = { status: toApiStatus(status), ...(prUrl ? { prUrl } : {}) };
      return change({ variables: { id, input } });
    },
  };
}
