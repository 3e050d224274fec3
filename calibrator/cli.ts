#!/usr/bin/env node
/**
 * The `bulwark` command. Run it as `npm run --silent bulwark -- <command> [options]` (installs what it
 * needs on first run) or through the `bulwark` bin. Commands are added by the calibrator and keeper issues.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { backtestCommand } from "./commands/backtest.js";
import { stressCommand } from "./commands/stress.js";
import { calibrateCommand } from "./commands/calibrate.js";
import { feedCommand } from "./commands/feed.js";
import { ivCommand } from "./commands/iv.js";
import { keeperCommand } from "./commands/keeper.js";
import { signCommand } from "./commands/sign.js";
import { governCommand, inspectCommand } from "./commands/ops.js";
import { slippageCommand } from "./commands/slippage.js";
import { varCommand } from "./commands/var.js";
import { volCommand } from "./commands/vol.js";
import { exitOnUncaught, exitWith } from "./cliSupport/exitCodes.js";
import { InputError } from "./data/errors.js";

interface PackageInfo {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as PackageInfo;

const program = new Command()
  .name("bulwark")
  .description("Bulwark: calibrate DeFi risk parameters from market data and push them on-chain within governance bounds.")
  .version(pkg.version, "-V, --version", "print the version")
  .showHelpAfterError();

program
  .command("version")
  .description("print the version and the pinned toolchain (solc, hardhat, viem)")
  .option("--json", "machine-readable output")
  .action((options: { json?: boolean }) => {
    const info = {
      name: pkg.name,
      version: pkg.version,
      solc: pkg.devDependencies.solc,
      hardhat: pkg.devDependencies.hardhat,
      viem: pkg.dependencies.viem,
      node: process.versions.node,
    };
    if (options.json) console.log(JSON.stringify(info));
    else console.log(`bulwark ${info.version} (solc ${info.solc}, hardhat ${info.hardhat}, viem ${info.viem}, node ${info.node})`);
  });

program.addCommand(volCommand());
program.addCommand(varCommand());
program.addCommand(slippageCommand());
program.addCommand(ivCommand());
program.addCommand(feedCommand());
program.addCommand(calibrateCommand());
program.addCommand(keeperCommand());
program.addCommand(signCommand());
program.addCommand(inspectCommand());
program.addCommand(governCommand());
program.addCommand(backtestCommand());
program.addCommand(stressCommand());

exitOnUncaught("bulwark");

// The wrappers (bin/bulwark, `npm run bulwark`) start the CLI from the repository root so that the install
// and tsx find their files; the paths on the command line belong to the caller's directory, so resolve
// them there. Paths inside a config resolve against the config file, whatever the directory.
const callerDir = process.env.BULWARK_CALLER_DIR;
if (callerDir) {
  try {
    process.chdir(callerDir);
  } catch {
    exitWith("bulwark", new InputError(`cannot enter the calling directory ${callerDir}`));
  }
}

// Every command exits through exitReport: commander's own usage errors too (exit 2, not commander's 1).
for (const command of [program, ...program.commands]) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  exitWith("bulwark", error);
}
