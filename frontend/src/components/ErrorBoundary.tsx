import { Component, type ErrorInfo, type ReactNode } from "react";
import { useRouteError } from "react-router";

function ErrorPanel({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div role="alert" className="mx-auto mt-16 max-w-md rounded-xl border border-subtle bg-surface p-6 text-center">
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-secondary">{message}</p>
      <button
        type="button"
        onClick={onRetry}
        className="mt-4 min-h-11 rounded-lg bg-brand px-4 py-2 font-medium text-on-brand hover:bg-brand-strong"
      >
        Try again
      </button>
    </div>
  );
}

/** A render error in a panel: a message and a retry, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("[ui] render error", error.message, info.componentStack?.split("\n")[1]);
  }
  override render() {
    if (this.state.error) {
      return <ErrorPanel message={this.state.error.message} onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}

/** The router's error element (a route failed to load or render). */
export function RouteError() {
  const error = useRouteError();
  const message = error instanceof Error ? error.message : "The page could not be shown.";
  return <ErrorPanel message={message} onRetry={() => window.location.reload()} />;
}
