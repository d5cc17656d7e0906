import React, { useLayoutEffect } from "react";

import { ResultCard, ResultSkeleton } from "./ResultCard.jsx";
import { PAGE_SIZE } from "./searchState.js";

const SKELETON_COUNT = 6;
export const RESULTS_SHOWN_MARK = "odyssey:results-shown";

/**
 * The hits of a search. When a new list of hits has been painted it adds the
 * performance mark RESULTS_SHOWN_MARK, which the end-to-end run compares with
 * the arrival of the search response (SEARCH_RESPONSE_MARK in apollo.js).
 */
export function ResultList({ hits, loading, loadingMore }) {
  useLayoutEffect(() => {
    if (!hits?.length) return undefined;
    // The animation frame callback runs just before the browser paints the
    // committed hits; a message posted from it is handled after that paint.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => performance.mark(RESULTS_SHOWN_MARK);
    const frame = requestAnimationFrame(() => channel.port2.postMessage(null));
    return () => {
      cancelAnimationFrame(frame);
      channel.port1.close();
    };
  }, [hits]);

  if (loading && !hits) {
    return (
      <ol className="result-list" aria-label="Loading results">
        {Array.from({ length: SKELETON_COUNT }, (_, index) => (
          <ResultSkeleton key={index} />
        ))}
      </ol>
    );
  }
  return (
    <ol className="result-list" aria-label="Results" aria-busy={loading}>
      {hits.map((hit) => (
        <ResultCard key={hit.id} hit={hit} />
      ))}
      {loadingMore && Array.from({ length: Math.min(PAGE_SIZE, 3) }, (_, index) => <ResultSkeleton key={`more-${index}`} />)}
    </ol>
  );
}
