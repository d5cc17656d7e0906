// Which parts of the GraphQL API exist, read once by introspection. Pages for
// parts that the server does not offer (for example saved searches) show a
// notice and stay out of the navigation instead of failing on every request.
import React, { createContext, useContext, useMemo } from "react";
import { gql, useQuery } from "@apollo/client";

const SCHEMA_FEATURES = gql`
  query SchemaFeatures {
    __schema {
      queryType {
        fields {
          name
        }
      }
      mutationType {
        fields {
          name
        }
      }
    }
    trackingStatus: __type(name: "TrackingStatus") {
      name
      enumValues {
        name
      }
    }
  }
`;

const EMPTY = { loading: true, error: null, queries: new Set(), mutations: new Set(), types: new Map() };
const SchemaFeaturesContext = createContext(EMPTY);

function toFeatures(schema) {
  const names = (type) => new Set((type?.fields ?? []).map((field) => field.name));
  return {
    loading: false,
    error: null,
    queries: names(schema.queryType),
    mutations: names(schema.mutationType),
    types: new Map(schema.trackingStatus ? [[schema.trackingStatus.name, schema.trackingStatus]] : []),
  };
}

export function SchemaFeaturesProvider({ children }) {
  const { data, error } = useQuery(SCHEMA_FEATURES, { fetchPolicy: "cache-first" });
  const value = useMemo(() => {
    if (data) return toFeatures({ ...data.__schema, trackingStatus: data.trackingStatus });
    if (error) return { ...EMPTY, loading: false, error };
    return EMPTY;
  }, [data, error]);
  return <SchemaFeaturesContext.Provider value={value}>{children}</SchemaFeaturesContext.Provider>;
}

/**
 * Returns `{ loading, error, hasQuery(name), hasMutation(name), enumValues(type) }`.
 */
export function useSchemaFeatures() {
  const features = useContext(SchemaFeaturesContext);
  // Servers may turn introspection off (GRAPHQL_INTROSPECTION=false). Then
  // every feature is assumed present, and a missing one shows its page's error.
  if (features.error) {
    return {
      loading: false,
      error: features.error,
      hasQuery: () => true,
      hasMutation: () => true,
      enumValues: () => [],
    };
  }
  return {
    loading: features.loading,
    error: features.error,
    hasQuery: (name) => features.queries.has(name),
    hasMutation: (name) => features.mutations.has(name),
    enumValues: (typeName) => (features.types.get(typeName)?.enumValues ?? []).map((value) => value.name),
  };
}
