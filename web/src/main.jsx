import React from "react";
import { createRoot } from "react-dom/client";
import { ApolloProvider } from "@apollo/client";

import { App } from "./App.jsx";
import { ErrorBoundary } from "./components/ErrorBoundary.jsx";
import { apolloClient } from "./apollo.js";
import { AuthProvider } from "./auth.jsx";
import { SchemaFeaturesProvider } from "./schemaFeatures.jsx";
import { prefetchSearch } from "./search/SearchPage.jsx";
import "./styles.css";

prefetchSearch(apolloClient);

createRoot(document.getElementById("root")).render(
  <React.StrictMode>
    <ApolloProvider client={apolloClient}>
      <SchemaFeaturesProvider>
        <AuthProvider>
          <ErrorBoundary>
            <App />
          </ErrorBoundary>
        </AuthProvider>
      </SchemaFeaturesProvider>
    </ApolloProvider>
  </React.StrictMode>,
);
