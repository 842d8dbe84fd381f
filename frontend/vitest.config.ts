import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    setupFiles: ["src/test/net.ts"],
    passWithNoTests: true,
    // the JSON report is what `make test` counts (scripts/frontend_counts.py)
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest-report.json" },
  },
});
