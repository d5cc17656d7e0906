import React, { useEffect, useId, useRef, useState } from "react";

const PULL_REQUEST_PATTERN = /^https?:\/\/\S+\/(pull|merge_requests)\/\d+\/?$/;

/** Asks for the pull request that completes an issue; a modal <dialog>. */
export function CompleteDialog({ issueTitle, onConfirm, onCancel, busy, error }) {
  const dialogRef = useRef(null);
  const inputId = useId();
  const [prUrl, setPrUrl] = useState("");
  const [invalid, setInvalid] = useState(false);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.open && dialog.close();
  }, []);

  function handleSubmit(event) {
    event.preventDefault();
    const trimmed = prUrl.trim();
    if (!PULL_REQUEST_PATTERN.test(trimmed)) {
      setInvalid(true);
      return;
    }
    onConfirm(trimmed);
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${inputId}-title`} onCancel={onCancel}>
      <form onSubmit={handleSubmit} noValidate>
        <h2 id={`${inputId}-title`}>Mark as completed</h2>
        <p>Well done! Which pull request fixes “{issueTitle}”?</p>
        <label htmlFor={inputId}>Pull request link</label>
        <input
          id={inputId}
          type="url"
          required
          value={prUrl}
          placeholder="https://github.com/owner/repo/pull/123"
          aria-invalid={invalid}
          aria-describedby={`${inputId}-help`}
          onChange={(event) => {
            setPrUrl(event.target.value);
            setInvalid(false);
          }}
        />
        <p id={`${inputId}-help`} className={invalid ? "field-error" : "field-help"}>
          {invalid
            ? "This is not a pull request link. Paste the address of the pull request page, ending in /pull/ and its number."
            : "Paste the address of your pull request or merge request."}
        </p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? "Saving…" : "Mark completed"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
