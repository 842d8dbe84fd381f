// The public calculator page's JS budget: after `vite build` (with build.manifest), sum the
// gzipped size of the calculator entry script and every chunk it imports statically,
// transitively (what the browser must fetch before the page works). Fails above the budget.
//   npm run size   (make size builds first)
// Also prints the app shell (index.html's static graph) and the largest lazy chunk.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 100 * 1024; // bytes of gzipped JS
const dist = resolve(import.meta.dirname, "..", "dist");
const manifestPath = join(dist, ".vite", "manifest.json");
if (!existsSync(manifestPath)) {
  console.error(`no ${manifestPath}: run \`npx vite build\` first (build.manifest is on in vite.config.ts)`);
  process.exit(1);
}
/** @type {Record<string, {file: string, isEntry?: boolean, isDynamicEntry?: boolean, imports?: string[], dynamicImports?: string[]}>} */
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const gz = new Map();
const gzSize = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gz.get(file);
};
const isJs = (file) => /\.m?js$/.test(file);

/** files of `key` and every chunk it imports statically, transitively */
function staticGraph(key) {
  const seen = new Set();
  const files = new Set();
  const walk = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    const chunk = manifest[k];
    if (!chunk) throw new Error(`manifest has no ${k}`);
    if (isJs(chunk.file)) files.add(chunk.file);
    for (const next of chunk.imports ?? []) walk(next);
  };
  walk(key);
  return files;
}
const total = (files) => [...files].reduce((sum, f) => sum + gzSize(f), 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const entryKey = (html) => {
  const key = Object.keys(manifest).find((k) => manifest[k].isEntry && (k === html || k.endsWith(`/${html}`)));
  if (!key) throw new Error(`manifest has no entry ${html}`);
  return key;
};
const calculator = staticGraph(entryKey("calculator/index.html"));
const shell = staticGraph(entryKey("index.html"));
const lazy = Object.values(manifest)
  .filter((c) => c.isDynamicEntry && isJs(c.file))
  .map((c) => ({ file: c.file, size: gzSize(c.file) }))
  .sort((a, b) => b.size - a.size)[0];

const calculatorSize = total(calculator);
console.log(`calculator entry: ${kb(calculatorSize)} gz JS in ${calculator.size} file(s) (budget ${kb(BUDGET)})`);
console.log(`app shell:        ${kb(total(shell))} gz JS in ${shell.size} file(s)`);
console.log(`largest lazy:     ${lazy ? `${kb(lazy.size)} gz (${lazy.file})` : "none"}`);
if (calculatorSize > BUDGET) {
  console.error(`calculator page JS is ${kb(calculatorSize)} gz, over the ${kb(BUDGET)} budget`);
  for (const f of [...calculator].sort((a, b) => gzSize(b) - gzSize(a))) console.error(`  ${kb(gzSize(f))}  ${f}`);
  process.exit(1);
}
