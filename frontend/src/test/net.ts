// The network boundary of the unit tests (a Vitest setup file, so it runs before any test
// module imports the API client — openapi-fetch keeps the `fetch` it sees at import).
// Every test sets `net.handler`; a request no test expected fails loudly.
type Handler = (request: Request) => Promise<Response>;

export const net: { handler: Handler } = {
  handler: (request) => Promise.reject(new Error(`unexpected request: ${request.method} ${request.url}`)),
};

// Node's Request wants absolute URLs; the browser resolves "/api/..." against the page
const Base = globalThis.Request;
globalThis.Request = class extends Base {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" ? new URL(input, "http://localhost") : input, init);
  }
};
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
  net.handler(input instanceof Request ? input : new Request(String(input), init));

/** A JSON response as the API sends it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}
