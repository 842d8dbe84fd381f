// Settings → Delete account: the list of what is deleted, the typed word gate, the request
// body, sign-in with the notice after; a failure keeps the user here with the message.
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { Route, useLocation } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { json, net } from "../../../test/net";
import { ME_KEY } from "../../../app/session";
import { apiError, envelope, ME, renderSection } from "../test-utils";
import { DeleteAccountSettings, DELETED_ITEMS } from "./DeleteAccountSettings";

function SignInStub() {
  const location = useLocation();
  return <p>sign-in page: {(location.state as { message?: string } | null)?.message}</p>;
}

function serve(answer: () => Response) {
  const bodies: unknown[] = [];
  net.handler = async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/api/me" && request.method === "DELETE") {
      bodies.push(await request.json());
      return answer();
    }
    return json(apiError("NOT_FOUND", "not here"), 404);
  };
  return bodies;
}

const open = async () => {
  fireEvent.click(screen.getByRole("button", { name: "Delete account…" }));
  return screen.findByRole("dialog", { name: "Delete your account permanently?" });
};

afterEach(cleanup);

describe("DeleteAccountSettings", () => {
  it("needs the word DELETE, sends it, clears the session and lands on sign-in with a notice", async () => {
    const bodies = serve(() => json(envelope({ id: ME.id, deleted: true })));
    const { client } = renderSection(<DeleteAccountSettings />, "/settings/account", <Route path="/signin" element={<SignInStub />} />);
    client.setQueryData(ME_KEY, ME);
    const dialog = await open();
    for (const item of DELETED_ITEMS) expect(dialog.textContent).toContain(item);
    const confirm = within(dialog).getByRole("button", { name: "Delete account" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText(/Type DELETE to confirm/), { target: { value: "delete" } });
    expect(confirm.disabled).toBe(true); // case matters
    fireEvent.change(within(dialog).getByLabelText(/Type DELETE to confirm/), { target: { value: "DELETE" } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    expect((await screen.findByText(/sign-in page:/)).textContent).toContain("Your account was deleted.");
    expect(bodies).toEqual([{ confirm: "DELETE" }]);
    expect(client.getQueryData(ME_KEY)).toBeNull();
  });

  it("keeps the account and says so when the deletion fails", async () => {
    serve(() => json(apiError("INTERNAL_ERROR", "Internal error."), 500));
    renderSection(<DeleteAccountSettings />, "/settings/account");
    const dialog = await open();
    fireEvent.change(within(dialog).getByLabelText(/Type DELETE to confirm/), { target: { value: "DELETE" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete account" }));
    expect((await within(dialog).findByRole("alert")).textContent).toMatch(/Deletion failed; your account is intact/);
    expect(screen.getByRole("heading", { level: 2, name: "Delete account" })).toBeTruthy();
  });
});
