import React, { useId, useMemo, useState } from "react";

import { readRecentSearches } from "./recentSearches.js";

const MAX_SUGGESTIONS = 8;

/**
 * Builds suggestions for the typed text: recent searches that contain it, then
 * facet values (labels, languages, repositories) of the current results that
 * contain it, which select that facet instead of searching for the text.
 */
function buildSuggestions(text, facets) {
  const needle = text.trim().toLowerCase();
  const recent = readRecentSearches()
    .filter((item) => !needle || (item.toLowerCase().includes(needle) && item.toLowerCase() !== needle))
    .map((item) => ({ kind: "recent", value: item, label: item, hint: "Recent search" }));
  const facetHints = { label: "Label", language: "Language", repo: "Repository" };
  const fromFacets = needle
    ? (facets ?? [])
        .filter((facet) => facetHints[facet.name])
        .flatMap((facet) =>
          facet.values
            .filter((value) => !value.selected && value.value.toLowerCase().includes(needle))
            .map((value) => ({
              kind: "facet",
              facet: facet.name,
              value: value.value,
              label: value.value,
              hint: `${facetHints[facet.name]} · ${value.count}`,
            })),
        )
    : [];
  return [...recent.slice(0, 4), ...fromFacets].slice(0, MAX_SUGGESTIONS);
}

/** The search box, an ARIA combobox with suggestions that work from the keyboard. */
export function SearchBox({ initialText, facets, onSearch, onPickFacet }) {
  const [text, setText] = useState(initialText);
  const [open, setOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(-1);
  const listId = useId();
  const inputId = useId();
  const suggestions = useMemo(() => (open ? buildSuggestions(text, facets) : []), [open, text, facets]);
  const expanded = open && suggestions.length > 0;

  function choose(suggestion) {
    setOpen(false);
    setActiveIndex(-1);
    if (suggestion.kind === "facet") {
      setText("");
      onPickFacet(suggestion.facet, suggestion.value);
    } else {
      setText(suggestion.value);
      onSearch(suggestion.value);
    }
  }

  function handleKeyDown(event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setOpen(true);
      setActiveIndex((index) => Math.min(index + 1, suggestions.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActiveIndex((index) => Math.max(index - 1, -1));
    } else if (event.key === "Escape") {
      setOpen(false);
      setActiveIndex(-1);
    } else if (event.key === "Enter" && expanded && activeIndex >= 0) {
      event.preventDefault();
      choose(suggestions[activeIndex]);
    }
  }

  function handleSubmit(event) {
    event.preventDefault();
    setOpen(false);
    onSearch(text.trim());
  }

  return (
    <form role="search" className="search-box" onSubmit={handleSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        Search issues
      </label>
      <div className="search-box__field">
        <input
          id={inputId}
          type="search"
          name="q"
          value={text}
          placeholder="Search issues, e.g. docs, typo, python"
          autoComplete="off"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && activeIndex >= 0 ? `${listId}-${activeIndex}` : undefined}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            setActiveIndex(-1);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={handleKeyDown}
          maxLength={500}
        />
        <ul id={listId} role="listbox" aria-label="Suggestions" className="search-box__suggestions" hidden={!expanded}>
          {suggestions.map((suggestion, index) => (
            <li
              key={`${suggestion.kind}-${suggestion.facet ?? ""}-${suggestion.value}`}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              className="search-box__suggestion"
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(event) => {
                event.preventDefault();
                choose(suggestion);
              }}
            >
              <span>{suggestion.label}</span>
              <span className="search-box__hint">{suggestion.hint}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="submit" className="button button--primary">
        Search
      </button>
    </form>
  );
}
