// Starts Swagger UI for /api/docs from an external file (no inline script under the CSP).
window.addEventListener("load", () => {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
});
