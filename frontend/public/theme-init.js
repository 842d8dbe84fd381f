// Runs before first paint: the saved theme, else dark (the default). No flash of light.
(function () {
  try {
    var saved = localStorage.getItem("st-theme");
    document.documentElement.dataset.theme = saved === "light" ? "light" : "dark";
  } catch (e) {
    document.documentElement.dataset.theme = "dark";
  }
})();
