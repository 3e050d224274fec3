import { expect } from "chai";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileVersion, inputsVersion, perFileVersion } from "../../calibrator/calibrate/inputs.js";
import { DataError } from "../../calibrator/data/errors.js";

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

describe("calibrator: layout", function () {
  it("library code and scripts never import a CLI command file (calibrator/commands/ is for calibrator/cli.ts only)", function () {
    const offenders: string[] = [];
    for (const file of [...sources("calibrator"), ...sources("scripts"), ...sources("bench")]) {
      const path = relative(".", file);
      if (path === join("calibrator", "cli.ts") || path.startsWith(join("calibrator", "commands"))) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"']+)["']/g)) {
        if (/(^|\/)commands\//.test(m[1]!)) offenders.push(`${path} imports ${m[1]}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it("scripts/ holds entry points only: no library folder, and nothing outside scripts/ imports from it", function () {
    const folders = readdirSync("scripts").filter((name) => statSync(join("scripts", name)).isDirectory());
    expect(folders, "library code belongs in calibrator/, bench/ or test/fixtures/").to.deep.equal([]);
    const offenders: string[] = [];
    for (const root of ["calibrator", "bench", "test", "ignition"]) {
      for (const file of sources(root)) {
        const text = readFileSync(file, "utf8");
        for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"']+)["']/g)) {
          if (/(^|\/)scripts\//.test(m[1]!)) offenders.push(`${relative(".", file)} imports ${m[1]}`);
        }
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it("an input's version moves when a file inside a folder changes, though the folder's own mtime does not", function () {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-inputs-"));
    const pool = join(dir, "pool");
    mkdirSync(pool);
    writeFileSync(join(pool, "p.meta.json"), "{}");
    const past = new Date("2026-01-01T00:00:00Z");
    utimesSync(pool, past, past);
    const before = inputsVersion([pool]);
    const folderMtime = statSync(pool).mtimeMs;
    writeFileSync(join(pool, "p.meta.json"), '{"tick":1}');
    utimesSync(pool, past, past);
    expect(statSync(pool).mtimeMs).to.equal(folderMtime);
    expect(inputsVersion([pool])).to.not.equal(before);
    expect(fileVersion(join(pool, "p.meta.json"))).to.match(/^\d+(\.\d+)?:10$/);
  });

  it("an input that is missing is a DataError naming the file, not a bare ENOENT", function () {
    const missing = join(tmpdir(), "bulwark-no-such-dir", "history.csv");
    expect(() => perFileVersion(() => 1)(missing)).to.throw(DataError, /history\.csv.*cannot read it: ENOENT/);
  });
});
