import { resolve } from "node:path";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Two entries: the app (index.html) and the public calculator (calculator/index.html),
// which shares nothing heavy with the app so it stays under its own size budget.
// `make dev` runs this dev server with /api proxied to `staketrack serve`.
const api = process.env.STAKETRACK_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // dist/.vite/manifest.json: the module graph scripts/check-bundle-size.mjs measures
    manifest: true,
    rollupOptions: {
      input: {
        app: resolve(import.meta.dirname, "index.html"),
        calculator: resolve(import.meta.dirname, "calculator/index.html"),
      },
    },
  },
  server: {
    host: "127.0.0.1",
    port: Number(process.env.DEV_PORT ?? 5173),
    strictPort: true,
    proxy: { "/api": { target: api, changeOrigin: false } },
  },
});
