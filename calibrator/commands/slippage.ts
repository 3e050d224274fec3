/** `bulwark slippage`: exact Uniswap v3 sells of the pool's volatile token for its stable one. */
import { Command } from "commander";
import { loadPoolSnapshot } from "../data/uniswapPool.js";
import { slippageTable } from "../models/poolSide.js";
import { openUnitInterval } from "../cliSupport/options.js";

function parseSizes(value: string): number[] {
  const sizes = value.split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new RangeError(`--sell takes positive amounts separated by commas, got "${value}"`);
  }
  return sizes;
}

export function slippageCommand(): Command {
  return new Command("slippage")
    .description("exact Uniswap v3 swap of the pool's volatile token for its stablecoin, for several sizes")
    .requiredOption("--pool <dir>", "folder with <name>.meta.json and <name>_ticks.csv")
    .requiredOption("--sell <amounts>", "sizes to sell, in whole tokens, comma-separated (e.g. 1,100,1000)")
    .option("--budget <fraction>", "also report the largest sell within this slippage (e.g. 0.02)", openUnitInterval)
    .option("--json", "machine-readable output")
    .action((options: { pool: string; sell: string; budget?: number; json?: boolean }) => {
      const result = slippageTable(loadPoolSnapshot(options.pool), parseSizes(options.sell), options.budget);
      if (options.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`Selling ${result.sell} for ${result.for}; spot ${result.spotPrice.toFixed(4)} ${result.for} per ${result.sell}`);
      console.table(
        result.fills.map((f) => ({
          [`in (${result.sell})`]: f.amountIn,
          [`out (${result.for})`]: f.amountOut.toFixed(2),
          "avg price": f.avgPrice.toFixed(4),
          slippage: `${(f.slippage * 100).toFixed(4)}%`,
          "ticks crossed": f.ticksCrossed,
        })),
      );
      if (result.maxSellWithinBudget) {
        console.log(`largest sell within ${(result.maxSellWithinBudget.budget * 100).toFixed(2)}% slippage: ${result.maxSellWithinBudget.amountIn.toFixed(4)} ${result.sell}`);
      }
    });
}
