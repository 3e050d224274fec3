/** `bulwark iv`: implied volatilities of a Deribit snapshot and a raw SVI fit per expiry. */
import { Command, Option } from "commander";
import { loadOptionSnapshot } from "../data/deribit.js";
import { impliedVolSurface } from "../models/impliedSurface.js";
import { sviTotalVariance } from "../models/svi.js";

export function ivCommand(): Command {
  return new Command("iv")
    .description("Black-76 implied volatilities of a Deribit snapshot and a raw SVI fit per expiry")
    .requiredOption("--input <file>", "Deribit option snapshot CSV")
    .addOption(new Option("--currency <coin>", "underlying").choices(["BTC", "ETH"]).makeOptionMandatory())
    .option("--json", "machine-readable output")
    .action((options: { input: string; currency: string; json?: boolean }) => {
      const result = impliedVolSurface(loadOptionSnapshot(options.input, { currency: options.currency }), options.currency);
      if (options.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`${result.quotes.length} ${options.currency} quotes inverted (${result.rejected.length} refused), fit in ${result.timings.fitMs.toFixed(1)} ms`);
      console.table(
        result.slices.map((s) => ({
          expiry: s.expiry.slice(0, 10),
          "T (days)": (s.T * 365).toFixed(1),
          n: s.n,
          "ATM IV": `${(Math.sqrt(sviTotalVariance(s.svi, 0) / s.T) * 100).toFixed(2)}%`,
          "RMSE (vol pts)": (s.rmseIv * 100).toFixed(3),
          butterflyFree: s.butterflyFree,
          calendarFree: s.calendarFree,
        })),
      );
    });
}
