// Catches a rendering error anywhere below it and shows a way back, so one
// broken page does not leave the whole app blank.
import React from "react";

export class ErrorBoundary extends React.Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }

  static getDerivedStateFromError(error) {
    return { error };
  }

  componentDidCatch(error, info) {
    console.error("page failed to render", error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <main id="main" className="page" tabIndex={-1}>
        <div role="alert" className="state-message">
          <h1>Something went wrong on this page</h1>
          <p>The page could not be shown. Go back to the search and try again.</p>
          <a href="/">Back to the search</a>
        </div>
      </main>
    );
  }
}
