import React, { useEffect } from "react";

import { ResultCard, ResultSkeleton } from "./ResultCard.jsx";
import { PAGE_SIZE } from "./searchState.js";

const SKELETON_COUNT = 6;

/**
 * The hits of a search. After the first hits are on screen it adds the
 * performance mark `odyssey:results-shown`, which the end-to-end test compares
 * with the end of the API response.
 */
export function ResultList({ hits, loading, loadingMore }) {
  useEffect(() => {
    if (!hits?.length) return undefined;
    // The frame after the commit is the first one that shows the hits.
    const frame = requestAnimationFrame(() => performance.mark("odyssey:results-shown"));
    return () => cancelAnimationFrame(frame);
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
