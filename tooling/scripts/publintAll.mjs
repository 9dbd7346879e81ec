// Runs publint on every publishable (non-private) package after the build.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

let errors = 0;
for (const root of ["packages", "apps"]) {
  if (!existsSync(root)) continue;
  for (const dir of readdirSync(root)) {
    const pkgDir = join(root, dir);
    const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    if (manifest.private) continue;
    const { messages } = await publint({ pkgDir, level: "warning", strict: false });
    for (const message of messages) {
      console.log(`${manifest.name}: [${message.type}] ${formatMessage(message, manifest)}`);
      if (message.type === "error") errors++;
    }
  }
}
console.log(errors === 0 ? "publint: ok" : `publint: ${errors} error(s)`);
process.exit(errors === 0 ? 0 : 1);
