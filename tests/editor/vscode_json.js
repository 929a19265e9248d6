// Asks VS Code's own JSON language service what an editor would show for a manifest:
// its diagnostics, the completions at given offsets and the hover at given offsets.
// Usage: node vscode_json.js SCHEMA DOCUMENT REQUESTS_JSON; prints one JSON object.
"use strict";
const fs = require("fs");
const { getLanguageService, TextDocument } = require("vscode-json-languageservice");

async function main() {
  const [schemaPath, documentPath, requestsJson] = process.argv.slice(2);
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  const text = fs.readFileSync(documentPath, "utf8");
  const requests = JSON.parse(requestsJson);
  const service = getLanguageService({
    // Only the schema given: the service never fetches anything.
    schemaRequestService: (uri) => Promise.reject(new Error("no fetching: " + uri)),
  });
  service.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: "file:///manifest.schema.json", fileMatch: ["*.json"], schema }],
  });
  const document = TextDocument.create("file:///work/manifest.json", "json", 1, text);
  const parsed = service.parseJSONDocument(document);
  const diagnostics = await service.doValidation(document, parsed);
  const completions = {};
  for (const offset of requests.complete || []) {
    const list = await service.doComplete(document, document.positionAt(offset), parsed);
    completions[offset] = list.items.map((item) => item.label);
  }
  const hovers = {};
  for (const offset of requests.hover || []) {
    const hover = await service.doHover(document, document.positionAt(offset), parsed);
    hovers[offset] = hover ? hover.contents.map((c) => (typeof c === "string" ? c : c.value)).join("\n") : null;
  }
  const out = {
    diagnostics: diagnostics.map((d) => ({
      message: d.message,
      severity: d.severity,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      tags: d.tags || [],
    })),
    completions,
    hovers,
  };
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(3);
});
