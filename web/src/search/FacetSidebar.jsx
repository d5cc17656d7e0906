import React, { useState } from "react";

import { formatCount } from "../components/formatting.js";
import { FACETS, FRESHNESS_OPTIONS, countSelected } from "./searchState.js";

const COLLAPSED_VALUES = 8;

/** One facet's values as checkboxes with their counts; values combine with OR. */
function FacetGroup({ title, param, values, selected, onToggle, onClear }) {
  const [expanded, setExpanded] = useState(false);
  // Selected values stay listed even when the current results have none of them.
  const listed = [...values];
  for (const value of selected) {
    if (!listed.some((item) => item.value === value)) listed.push({ value, count: 0, selected: true });
  }
  if (listed.length === 0) return null;
  const shown = expanded ? listed : listed.slice(0, COLLAPSED_VALUES);
  const headingId = `facet-${param}`;
  return (
    <fieldset className="facet-group" aria-labelledby={headingId}>
      <div className="facet-group__header">
        <legend id={headingId}>{title}</legend>
        {selected.length > 0 && (
          <button type="button" className="link-button" onClick={onClear} aria-label={`Clear ${title}`}>
            Clear
          </button>
        )}
      </div>
      <ul className="facet-group__values">
        {shown.map((item) => {
          const checked = selected.includes(item.value);
          return (
            <li key={item.value}>
              <label className="facet-value">
                <input type="checkbox" checked={checked} onChange={() => onToggle(item.value)} />
                <span className="facet-value__name">{item.value}</span>
                <span className="facet-value__count" aria-label={`${item.count} issues`}>
                  {formatCount(item.count)}
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      {listed.length > COLLAPSED_VALUES && (
        <button type="button" className="link-button" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show fewer" : `Show all ${listed.length}`}
        </button>
      )}
    </fieldset>
  );
}

function FreshnessGroup({ value, onChange }) {
  return (
    <fieldset className="facet-group">
      <legend>Last updated</legend>
      <ul className="facet-group__values">
        {FRESHNESS_OPTIONS.map((option) => (
          <li key={option.value || "any"}>
            <label className="facet-value">
              <input
                type="radio"
                name="freshness"
                value={option.value}
                checked={value === option.value}
                onChange={() => onChange(option.value)}
              />
              <span className="facet-value__name">{option.label}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/**
 * The filter sidebar. Counts tell how many issues adding a value would
 * bring, because each facet's counts ignore its own selection. On narrow
 * screens it folds behind a "Filters" button.
 */
export function FacetSidebar({ state, facets, loading, onToggle, onClear, onClearAll, onFreshness }) {
  const [openOnPhone, setOpenOnPhone] = useState(false);
  const selectedCount = countSelected(state);
  const facetsByName = new Map((facets ?? []).map((facet) => [facet.name, facet.values]));
  return (
    <aside className="facet-sidebar" aria-label="Filters">
      <button
        type="button"
        className="button facet-sidebar__toggle"
        aria-expanded={openOnPhone}
        aria-controls="facet-sidebar-body"
        onClick={() => setOpenOnPhone(!openOnPhone)}
      >
        Filters{selectedCount > 0 ? ` (${selectedCount})` : ""}
      </button>
      <div id="facet-sidebar-body" className={`facet-sidebar__body${openOnPhone ? " is-open" : ""}`} aria-busy={loading}>
        <div className="facet-sidebar__header">
          <h2>Filters</h2>
          {selectedCount > 0 && (
            <button type="button" className="link-button" onClick={onClearAll}>
              Clear all ({selectedCount})
            </button>
          )}
        </div>
        {!facets && loading && <FacetSkeleton />}
        {FACETS.map(({ param, facet, title }) => (
          <FacetGroup
            key={param}
            title={title}
            param={param}
            values={facetsByName.get(facet) ?? []}
            selected={state.selected[param] ?? []}
            onToggle={(value) => onToggle(param, value)}
            onClear={() => onClear(param)}
          />
        ))}
        <FreshnessGroup value={state.freshness} onChange={onFreshness} />
      </div>
    </aside>
  );
}

function FacetSkeleton() {
  return (
    <div className="facet-skeleton" aria-hidden="true">
      {Array.from({ length: 3 }, (_, index) => (
        <div key={index} className="skeleton facet-skeleton__group" />
      ))}
    </div>
  );
}
