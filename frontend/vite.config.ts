import { resolve } from "node:path";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// dist/.vite/chunk-packages.json: the npm packages bundled into each chunk, so
// scripts/check-bundle-size.mjs can tell which routes load the wallet libraries.
function chunkPackages(): Plugin {
  return {
    name: "staketrack-chunk-packages",
    apply: "build",
    generateBundle(_, bundle) {
      const packages: Record<string, string[]> = {};
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        const names = new Set<string>();
        for (const id of output.moduleIds) {
          const at = id.lastIndexOf("node_modules/");
          const match = at < 0 ? null : /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id.slice(at));
          if (match?.[1]) names.add(match[1]);
        }
        packages[output.fileName] = [...names].sort();
      }
      this.emitFile({ type: "asset", fileName: ".vite/chunk-packages.json", source: JSON.stringify(packages, null, 1) });
    },
  };
}

// Two entries: the app (index.html) and the public calculator (calculator/index.html),
// which shares nothing heavy with the app so it stays under its own size budget.
// `make dev` runs this dev server with /api proxied to `staketrack serve`.
const api = process.env.STAKETRACK_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss(), chunkPackages()],
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
