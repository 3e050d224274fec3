/** `bulwark feed`: load, validate and summarise a Chainlink round-history CSV. */
import { Command } from "commander";
import { loadChainlinkRounds } from "../data/chainlink.js";
import { summarizeFeed } from "../models/feedSummary.js";
import { nonNegativeInteger, positiveInteger, positiveNumber } from "../cliSupport/options.js";

interface FeedOptions {
  input: string;
  heartbeat: number;
  deviationBps: number;
  grace: number;
  json?: boolean;
}

const utc = (unix: number) => new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 19);
const duration = (s: number) => (s >= 86_400 ? `${(s / 86_400).toFixed(1)} d` : s >= 3_600 ? `${(s / 3_600).toFixed(2)} h` : `${Math.round(s)} s`);

export function feedCommand(): Command {
  return new Command("feed")
    .description("validate and summarise a Chainlink round history: count, span, heartbeat gaps, deviation between rounds")
    .requiredOption("--input <file>", "round-history CSV (round_id, answer_raw, decimals, started_at_unix, updated_at_unix)")
    .option("--heartbeat <seconds>", "the feed's documented heartbeat (ETH/USD mainnet: 3600)", positiveInteger, 3_600)
    .option("--deviation-bps <bps>", "the feed's documented deviation threshold (ETH/USD mainnet: 50)", positiveNumber, 50)
    .option("--grace <seconds>", "lateness past the heartbeat before an interval counts as overdue", nonNegativeInteger, 60)
    .option("--json", "machine-readable output")
    .action((options: FeedOptions) => {
      const rounds = loadChainlinkRounds(options.input);
      const s = summarizeFeed(rounds, { heartbeatSeconds: options.heartbeat, deviationBps: options.deviationBps, graceSeconds: options.grace });
      if (options.json) {
        console.log(JSON.stringify({ file: options.input, ...s }));
        return;
      }
      const after = s.rounds - 1;
      const share = (k: number) => `${k.toLocaleString("en-US")} (${((k / after) * 100).toFixed(1)}%)`;
      console.log(`${options.input}: ${s.rounds.toLocaleString("en-US")} rounds, phase${s.phases.length > 1 ? "s" : ""} ${s.phases.join(", ")}, ${s.decimals} decimals`);
      console.table({
        span: `${utc(s.firstUpdatedAt)} → ${utc(s.lastUpdatedAt)} UTC (${duration(s.spanSeconds)})`,
        price: `first ${s.price.first}, last ${s.price.last}, min ${s.price.min}, max ${s.price.max}`,
        "interval median / p95": `${duration(s.intervals.medianSeconds)} / ${duration(s.intervals.p95Seconds)}`,
        "longest interval": `${duration(s.intervals.maxSeconds)}, ending ${utc(s.intervals.maxEndsAt)}`,
        [`over heartbeat ${duration(s.heartbeat.seconds)} + ${s.heartbeat.graceSeconds} s`]: share(s.heartbeat.overdue),
        "move between rounds median / p95": `${s.deviation.medianBps.toFixed(1)} / ${s.deviation.p95Bps.toFixed(1)} bps`,
        "largest move between rounds": `${s.deviation.maxBps.toFixed(1)} bps, at ${utc(s.deviation.maxAt)}`,
        [`deviation updates (≥ ${s.deviation.thresholdBps} bps)`]: share(s.updates.deviation),
        "heartbeat updates": share(s.updates.heartbeat),
        "early updates (neither trigger)": share(s.updates.early),
      });
    });
}
