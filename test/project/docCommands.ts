import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every command example in the README and docs/ (issue 17 item 10), read from their fenced code
 * blocks. A concrete command runs and must exit 0. A synopsis (it has placeholders: brackets, bars,
 * angle brackets or capitals such as F and N) must name a real command, and every option it shows must
 * be in that command's --help. `npm run X` must name a script of package.json, and a script path a file.
 */
const DOCS = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };

interface Example {
  file: string;
  line: number;
  text: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const file of DOCS) {
    let fenced = false;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((raw, i) => {
        if (raw.startsWith("```")) {
          fenced = !fenced;
          return;
        }
        const text = raw.replace(/\s+#\s.*$/, "").trim();
        if (fenced && /^(bulwark |npm run |npx tsx |BULWARK_\w+=\S+ npm run )/.test(text)) out.push({ file, line: i + 1, text });
      });
  }
  return out;
}

/** The placeholders the docs use for a value (a file, a number, a URL): a single capital or one of these words. */
const PLACEHOLDER = /^([A-Z]|DIR|URL|NAME|SNAPSHOT|FRACTION|A1,A2,\.\.\.)$/;
const isSynopsis = (text: string) => /[[\]|<>]/.test(text) || text.split(/\s+/).some((t) => PLACEHOLDER.test(t));
/** The bulwark arguments of a command line, or undefined when it is not a bulwark command. */
const bulwarkPart = (text: string) => text.match(/^(?:bulwark|npm run --silent bulwark --)\s+(.*)$/)?.[1];
const help = new Map<string, string>();
const helpOf = (...command: string[]) => {
  const key = command.join(" ");
  if (!help.has(key)) help.set(key, spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...command, "--help"], { encoding: "utf8" }).stdout);
  return help.get(key)!;
};

describe("every command example in the README and docs/ works as written", function () {
  this.timeout(240_000);
  const all = examples();

  it("the README and docs hold command examples, concrete and synopses", function () {
    expect(all.filter((e) => e.file === "README.md" && !isSynopsis(e.text)).length, "concrete README examples").to.be.at.least(8);
    expect(all.filter((e) => isSynopsis(e.text)).length, "synopses").to.be.at.least(10);
  });

  for (const e of all) {
    const where = `${e.file}:${e.line}`;
    const args = bulwarkPart(e.text);
    const npmScript = e.text.match(/npm run (?:--silent )?([\w:-]+)/)?.[1];
    if (args !== undefined && isSynopsis(e.text)) {
      it(`${where} synopsis \`${e.text.slice(0, 70)}\`: its command and options exist`, function () {
        const [command, next] = args.split(/\s+/) as [string, string | undefined];
        if (command.startsWith("-")) return expect(helpOf("--help")).to.include(command);
        // `govern schedule|execute ...`: the options are those of each subcommand.
        const subcommands = next && /^[a-z]+(\|[a-z]+)*$/.test(next) ? next.split("|") : [undefined];
        for (const sub of subcommands) {
          const words = sub ? [command, sub] : [command];
          const text = helpOf(...words);
          expect(text, `bulwark ${words.join(" ")} --help`).to.match(new RegExp(`Usage: bulwark ${words.join(" ")}`));
          for (const option of args.match(/--[a-z][a-z-]*/g) ?? []) expect(text, `${where}: ${option} of bulwark ${words.join(" ")}`).to.include(option);
        }
      });
    } else if (args !== undefined) {
      it(`${where} runs: \`${e.text.slice(0, 90)}\``, function () {
        // The line runs as written in bash, with the repository's bin/ on PATH for `bulwark`.
        const run = spawnSync("bash", ["-c", e.text], { encoding: "utf8", env: { ...process.env, PATH: `${join(process.cwd(), "bin")}:${process.env.PATH}` } });
        expect(run.status, `${where}\n${run.stderr}`).to.equal(0);
        expect(run.stdout.length, "it printed something").to.be.above(0);
      });
    } else if (npmScript !== undefined) {
      it(`${where} \`${e.text.slice(0, 70)}\`: npm run ${npmScript} is a script of package.json`, function () {
        expect(pkg.scripts, where).to.have.property(npmScript);
      });
    } else {
      const script = e.text.match(/npx tsx (\S+)/)?.[1];
      it(`${where} \`${e.text.slice(0, 70)}\`: ${script} exists`, function () {
        expect(script && existsSync(script), where).to.equal(true);
      });
    }
  }
});
