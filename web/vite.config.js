import { defineConfig } from "vite";

// The API serves the build at `/`, and `npm run dev` sends API calls to an
// API started separately (`odyssey serve`, port 8000 unless ODYSSEY_API_URL says otherwise).
const apiUrl = process.env.ODYSSEY_API_URL || "http://127.0.0.1:8000";

export default defineConfig({
  build: {
    outDir: "dist",
    // One stylesheet and small chunks; no source maps in the served build.
    sourcemap: false,
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/graphql": apiUrl,
      "/v1": apiUrl,
    },
  },
});
