// Starts Redoc on the portal's own schema.  Search is off: Redoc builds its index in a worker made
// from a blob: URL, which the portal's Content-Security-Policy (worker-src 'self') refuses.
(function () {
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, {
    disableSearch: true,
    hideDownloadButton: false,
    theme: {
      typography: {
        fontFamily: "system-ui, 'Noto Sans CJK SC', sans-serif",
        headings: { fontFamily: "system-ui, 'Noto Sans CJK SC', sans-serif" },
        code: { color: "#b3261e" }  // Redoc's red inline code was 3.9:1 on its grey
      }
    }
  }, container);
})();
