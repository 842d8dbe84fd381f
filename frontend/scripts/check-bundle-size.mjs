// Page weight (NFR4/NFR5, issue 18): each route's first-load JS after `vite build`, from the
// Vite manifest (build.manifest): the entry script, the route's lazy chunk, and every chunk
// either imports statically, transitively — what the browser fetches before the page works
// — gzipped (level 9) and summed. Prints every route against its budget and fails above one.
// Also fails when a wallet library (dist/.vite/chunk-packages.json, written by the
// vite.config.ts plugin) is in the first load of a route other than sign-in and link-wallet.
//   npm run size   (make size builds first; .ci/run calls make size)
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const KB = 1024;
// route -> the manifest keys it loads first (an entry html, then its lazy route chunks)
const ROUTES = [
  { name: "calculator (/calculator/)", keys: ["calculator/index.html"], budget: 100 * KB },
  {
    name: "dashboard (/dashboard)",
    keys: ["index.html", "src/features/dashboard/DashboardPage.tsx"],
    budget: 200 * KB,
  },
  { name: "sign-in (/signin)", keys: ["index.html", "src/features/signin/SignInPage.tsx"], wallets: true },
  {
    name: "link wallet (dashboard panel)",
    keys: ["index.html", "src/features/dashboard/DashboardPage.tsx", "src/features/link-wallet/LinkWalletPanel.tsx"],
    wallets: true,
  },
  { name: "e-mail verify (/auth/verify)", keys: ["index.html", "src/features/signin/VerifyEmailPage.tsx"] },
];
// the wallet stack: loaded only where a wallet is connected (sign-in, link a wallet)
const WALLET_PACKAGE = /^(@rainbow-me\/|wagmi$|@wagmi\/|viem$|@solana\/|@walletconnect\/|@reown\/|@metamask\/|@coinbase\/)/;

const dist = resolve(import.meta.dirname, "..", "dist");
const read = (name) => {
  const path = join(dist, ".vite", name);
  if (!existsSync(path)) {
    console.error(`no ${path}: run \`npx vite build\` first (vite.config.ts writes it)`);
    process.exit(1);
  }
  return JSON.parse(readFileSync(path, "utf8"));
};
/** @type {Record<string, {file: string, isEntry?: boolean, isDynamicEntry?: boolean, imports?: string[], dynamicImports?: string[]}>} */
const manifest = read("manifest.json");
/** @type {Record<string, string[]>} chunk file -> npm packages bundled in it */
const packages = read("chunk-packages.json");

const gz = new Map();
const gzSize = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gz.get(file);
};
const isJs = (file) => /\.m?js$/.test(file);
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;

/** JS files of `keys` and every chunk they import statically, transitively */
function firstLoad(keys) {
  const seen = new Set();
  const files = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no ${key} (a route moved? update ROUTES)`);
    if (isJs(chunk.file)) files.add(chunk.file);
    for (const next of chunk.imports ?? []) walk(next);
  };
  keys.forEach(walk);
  return files;
}
const total = (files) => [...files].reduce((sum, f) => sum + gzSize(f), 0);
const walletsIn = (files) =>
  [...new Set([...files].flatMap((f) => (packages[f] ?? []).filter((p) => WALLET_PACKAGE.test(p))))].sort();

/** "@solana/* (12)" for a scope with several packages: the line stays readable */
const short = (names) => {
  const scopes = new Map();
  for (const n of names) {
    const scope = n.startsWith("@") ? n.split("/")[0] : n;
    scopes.set(scope, [...(scopes.get(scope) ?? []), n]);
  }
  return [...scopes.values()].map((group) => (group.length > 2 ? `${group[0].split("/")[0]}/* (${group.length})` : group.join(", "))).join(", ");
};

let failed = false;
console.log("first-load JS per route (gzipped):");
for (const route of ROUTES) {
  const files = firstLoad(route.keys);
  const size = total(files);
  const wallets = walletsIn(files);
  const over = route.budget !== undefined && size > route.budget;
  const strayWallets = !route.wallets && wallets.length > 0;
  const budget = route.budget === undefined ? "no budget" : `budget ${kb(route.budget)}${over ? " OVER" : " met"}`;
  const walletNote = wallets.length ? `wallet libraries: ${short(wallets)}` : "no wallet libraries";
  console.log(`  ${route.name.padEnd(30)} ${kb(size).padStart(9)} in ${String(files.size).padStart(2)} file(s)  ${budget.padEnd(22)} ${walletNote}`);
  if (over || strayWallets) {
    failed = true;
    if (strayWallets) console.error(`  ! ${route.name} loads wallet libraries (${wallets.join(", ")}): only sign-in and link-wallet may`);
    for (const f of [...files].sort((a, b) => gzSize(b) - gzSize(a))) console.error(`      ${kb(gzSize(f)).padStart(9)}  ${f}`);
  }
}
const lazy = Object.values(manifest)
  .filter((c) => c.isDynamicEntry && isJs(c.file))
  .map((c) => ({ file: c.file, size: gzSize(c.file) }))
  .sort((a, b) => b.size - a.size)[0];
console.log(`largest lazy chunk: ${lazy ? `${kb(lazy.size)} (${lazy.file})` : "none"}`);
if (failed) {
  console.error("page weight: over budget (see above)");
  process.exit(1);
}
console.log("page weight: every budget met");
