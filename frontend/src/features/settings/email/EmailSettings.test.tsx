// Settings → Email: the current address and its state; a bad address is refused before any
// request; a good one is sent to POST /api/me/email and the page says where the link went.
import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { json, net } from "../../../test/net";
import { apiError, envelope, ME, renderSection } from "../test-utils";
import { EmailSettings, emailProblem } from "./EmailSettings";

function serve(me: typeof ME, answer: () => Response = () => json(envelope({ status: "sent" }), 202)) {
  const sent: unknown[] = [];
  net.handler = async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/api/me") return json(envelope(me));
    if (path === "/api/me/email" && request.method === "POST") {
      sent.push(await request.json());
      return answer();
    }
    return json(apiError("NOT_FOUND", "not here"), 404);
  };
  return sent;
}

afterEach(cleanup);

describe("emailProblem", () => {
  it("names what is wrong", () => {
    expect(emailProblem("  ", null)).toMatch(/Enter an email/);
    expect(emailProblem("alice@", null)).toMatch(/valid email/);
    expect(emailProblem("Alice@Example.org", "alice@example.org")).toMatch(/already your email/);
    expect(emailProblem(" bob@example.org ", "alice@example.org")).toBeNull();
  });
});

describe("EmailSettings", () => {
  it("adds an email: refuses a bad one inline, sends a good one", async () => {
    const sent = serve(ME);
    renderSection(<EmailSettings />);
    expect((await screen.findByText(/No email yet/)).textContent).toBeTruthy();
    const input = screen.getByLabelText("Add email");
    fireEvent.change(input, { target: { value: "not-an-email" } });
    fireEvent.click(screen.getByRole("button", { name: "Send verification link" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/valid email/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(sent).toEqual([]);

    fireEvent.change(input, { target: { value: " alice@example.org " } });
    fireEvent.click(screen.getByRole("button", { name: "Send verification link" }));
    expect((await screen.findByText(/We sent a link to/)).textContent).toContain("alice@example.org");
    expect(sent).toEqual([{ email: "alice@example.org" }]);
  });

  it("shows the verified email and offers to change it", async () => {
    serve({ ...ME, email: "alice@example.org", emailVerified: true, primaryLogin: "email" });
    renderSection(<EmailSettings />);
    expect((await screen.findByTestId("current-email")).textContent).toBe("alice@example.org");
    expect(screen.getByText("Verified")).toBeTruthy();
    expect(screen.getByText("Primary sign-in")).toBeTruthy();
    expect(screen.getByLabelText("Change email")).toBeTruthy();
  });

  it("shows the API's error", async () => {
    serve(ME, () => json(apiError("RATE_LIMITED", "Too many requests."), 429, { "Retry-After": "60" }));
    renderSection(<EmailSettings />);
    fireEvent.change(await screen.findByLabelText("Add email"), { target: { value: "alice@example.org" } });
    fireEvent.click(screen.getByRole("button", { name: "Send verification link" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/Too many verification emails/);
  });
});
