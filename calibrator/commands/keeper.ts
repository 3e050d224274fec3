/** `bulwark keeper --config F [--once] [--dry-run]`: move live parameters toward the calibrated targets. */
import { Command } from "commander";
import { loadKeeperConfig } from "../keeper/config.js";
import { runKeeper } from "../keeper/run.js";

export function keeperCommand(): Command {
  return new Command("keeper")
    .description("calibrate, plan the largest allowed step toward the targets, sign and submit it; loops unless --once")
    .requiredOption("--config <file>", "keeper config (see config/keeper.sample.json)")
    .option("--once", "run one cycle and exit (exit code 1 if it fails)")
    .option("--dry-run", "plan and validate against the chain, but do not sign or send")
    .action(async (options: { config: string; once?: boolean; dryRun?: boolean }) => {
      const config = loadKeeperConfig(options.config);
      const results = await runKeeper(config, { once: options.once, dryRun: options.dryRun });
      const last = results.at(-1);
      if (options.once && last?.submit && "error" in last.submit) process.exitCode = 1;
    });
}
