// Grafana's published TypeScript types (@grafana/schema) -> JSON Schema files in OUT_DIR:
// dashboard.schema.json, and for each panel type netmon uses <type>.options.schema.json (its
// `options`) and, where the type declares one, <type>.fieldconfig.schema.json (its `custom`).
// Run by the test session (tests/test_dashboards_schema.py) or `npm run schema`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGenerator } from "ts-json-schema-generator";

const RAW = "node_modules/@grafana/schema/dist/esm/raw";
const PANELS = {
  timeseries: "TimeSeriesPanelCfg",
  stat: "StatPanelCfg",
  table: "TablePanelCfg",
  geomap: "GeomapPanelCfg",
  bargauge: "BarGaugePanelCfg",
  barchart: "BarChartPanelCfg",
  gauge: "GaugePanelCfg",
  text: "TextPanelCfg",
  "state-timeline": "StateTimelinePanelCfg",
  heatmap: "HeatmapPanelCfg",
};
// Folder names under composable/ where they differ from the panel type.
const FOLDERS = { "state-timeline": "statetimeline" };

function schema(path, type) {
  return createGenerator({ path, type, skipTypeCheck: true, expose: "export" }).createSchema(type);
}

const out = process.argv[2];
if (!out) {
  console.error("usage: node generate.mjs OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const write = (name, doc) => writeFileSync(join(out, name), JSON.stringify(doc, null, 1) + "\n");
write("dashboard.schema.json", schema(`${RAW}/dashboard/x/dashboard_types.gen.d.ts`, "Dashboard"));
for (const [panel, file] of Object.entries(PANELS)) {
  const path = `${RAW}/composable/${FOLDERS[panel] ?? panel}/panelcfg/x/${file}_types.gen.d.ts`;
  write(`${panel}.options.schema.json`, schema(path, "Options"));
  if (readFileSync(path, "utf8").includes("export interface FieldConfig ")) {
    write(`${panel}.fieldconfig.schema.json`, schema(path, "FieldConfig"));
  }
}
