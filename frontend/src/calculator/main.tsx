// The standalone /calculator entry: React, the typed fetch client and this page only
// (no router, no react-query, no wallet libraries) to stay under its size budget.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "../styles/tokens.css";
import { CalculatorPage } from "./CalculatorPage";

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing");
createRoot(root).render(
  <StrictMode>
    <CalculatorPage />
  </StrictMode>,
);
