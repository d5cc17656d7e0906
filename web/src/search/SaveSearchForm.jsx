import React, { useState } from "react";
import { useMutation } from "@apollo/client";

import { useAuth } from "../auth.jsx";
import { describeError } from "../components/StateMessage.jsx";
import { CREATE_SAVED_SEARCH } from "../graphql/alerts.js";
import { Link } from "../router.jsx";
import { useSchemaFeatures } from "../schemaFeatures.jsx";
import { searchVariables } from "./searchState.js";

const FREQUENCIES = [
  { value: "instant", label: "As soon as they appear" },
  { value: "daily", label: "Daily digest" },
  { value: "weekly", label: "Weekly digest" },
];
const CHANNELS = [
  { value: "in_app", label: "In-app notification" },
  { value: "email", label: "Email" },
];

/** Saves the current search with alert settings; rendered for signed-in callers when the API offers it. */
export function SaveSearchForm({ state }) {
  const features = useSchemaFeatures();
  const { signedIn } = useAuth();
  const [name, setName] = useState(state.q);
  const [frequency, setFrequency] = useState("daily");
  const [channels, setChannels] = useState(["in_app"]);
  const [saved, setSaved] = useState(null);
  const [create, { loading, error }] = useMutation(CREATE_SAVED_SEARCH, { refetchQueries: ["SavedSearches"] });
  if (!signedIn || !features.hasMutation("createSavedSearch")) return null;

  function toggleChannel(channel) {
    setChannels((current) =>
      current.includes(channel) ? current.filter((item) => item !== channel) : [...current, channel],
    );
  }

  async function submit(event) {
    event.preventDefault();
    const { q, filters } = searchVariables(state);
    const input = { name, q, filters, frequency, channels };
    try {
      const result = await create({ variables: { input } });
      setSaved(result.data.createSavedSearch);
    } catch {
      // The mutation's error state shows the message.
    }
  }

  return (
    <details className="save-search">
      <summary>Save this search</summary>
      <form onSubmit={submit} aria-label="Save this search">
        <div className="field">
          <label htmlFor="save-search-name">Name</label>
          <input
            id="save-search-name"
            value={name}
            maxLength={100}
            required
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="save-search-frequency">Alert me about new issues</label>
          <select id="save-search-frequency" value={frequency} onChange={(event) => setFrequency(event.target.value)}>
            {FREQUENCIES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>Send alerts by</legend>
          {CHANNELS.map((option) => (
            <label key={option.value}>
              <input
                type="checkbox"
                checked={channels.includes(option.value)}
                onChange={() => toggleChannel(option.value)}
              />{" "}
              {option.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button button--primary" disabled={loading || channels.length === 0}>
          {loading ? "Saving…" : "Save search"}
        </button>
        {channels.length === 0 && <p className="field-help">Pick at least one way to get alerts.</p>}
        {error && <p className="field-error">{describeError(error)}</p>}
        {saved && (
          <p role="status">
            Saved “{saved.name}”. <Link to="/saved-searches">See your saved searches</Link>
          </p>
        )}
      </form>
    </details>
  );
}
