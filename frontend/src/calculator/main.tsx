// PLACEHOLDER (owned by the calculator slice): the standalone /calculator entry.
import { createRoot } from "react-dom/client";
import "../styles/tokens.css";

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing");
createRoot(root).render(<h1>Real yield calculator</h1>);
