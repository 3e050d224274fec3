/** `bulwark feed`: load, validate and summarise a Chainlink round-history CSV. */
import { Command } from "commander";
import { DEFAULT_MAX_ROUND_GAP_SECONDS, loadChainlinkRounds } from "../data/chainlink.js";
import { loadCandles } from "../data/candles.js";
import { crossCheckCloses, DEFAULT_PLAUSIBILITY } from "../data/plausibility.js";
import { type MoveLimitOptions, plausibilityFromOptions, withMoveLimitOptions } from "../cliSupport/candleLoading.js";
import { summarizeFeed } from "../models/feedSummary.js";
import { nonNegativeInteger, positiveInteger, positiveNumber } from "../cliSupport/options.js";

interface FeedOptions extends MoveLimitOptions {
  input: string;
  maxRoundGap: number;
  against?: string;
  maxFeedDeviation: number;
  heartbeat: number;
  deviationBps: number;
  grace: number;
  json?: boolean;
}

const utc = (unix: number) => new Date(unix * 1000).toISOString().replace("T", " ").slice(0, 19);
const duration = (s: number) => (s >= 86_400 ? `${(s / 86_400).toFixed(1)} d` : s >= 3_600 ? `${(s / 3_600).toFixed(2)} h` : `${Math.round(s)} s`);

export function feedCommand(): Command {
  return withMoveLimitOptions(new Command("feed"))
    .description("validate and summarise a Chainlink round history: count, span, heartbeat gaps, deviation between rounds")
    .requiredOption("--input <file>", "round-history CSV (round_id, answer_raw, decimals, started_at_unix, updated_at_unix)")
    .option("--heartbeat <seconds>", "the feed's documented heartbeat (ETH/USD mainnet: 3600)", positiveInteger, 3_600)
    .option("--deviation-bps <bps>", "the feed's documented deviation threshold (ETH/USD mainnet: 50)", positiveNumber, 50)
    .option("--grace <seconds>", "lateness past the heartbeat before an interval counts as overdue", nonNegativeInteger, 60)
    .option(
      "--max-round-gap <hours>",
      "longest silence between two rounds accepted (a larger value lets a dead or halted feed through)",
      positiveNumber,
      DEFAULT_MAX_ROUND_GAP_SECONDS / 3_600,
    )
    .option("--against <candles>", "cross-check: each candle close of this file against the feed's answer in force at the candle's end")
    .option(
      "--max-feed-deviation <fraction>",
      "with --against: largest relative gap between a close and the feed accepted (a larger value lets a wrong unit or asset through)",
      positiveNumber,
      DEFAULT_PLAUSIBILITY.maxFeedDeviation,
    )
    .option("--json", "machine-readable output")
    .action((options: FeedOptions) => {
      const plausibility = plausibilityFromOptions(options);
      const rounds = loadChainlinkRounds(options.input, { plausibility, maxRoundGapSeconds: options.maxRoundGap * 3_600 });
      const crossChecked = options.against
        ? crossCheckCloses(loadCandles(options.against, { plausibility }), { file: options.input, updatedAt: rounds.updatedAt, price: rounds.price }, { maxFeedDeviation: options.maxFeedDeviation })
        : undefined;
      const s = summarizeFeed(rounds, { heartbeatSeconds: options.heartbeat, deviationBps: options.deviationBps, graceSeconds: options.grace });
      if (options.json) {
        console.log(JSON.stringify({ file: options.input, ...s, ...(crossChecked !== undefined ? { crossChecked: { against: options.against, candles: crossChecked, maxFeedDeviation: options.maxFeedDeviation } } : {}) }));
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
        ...(crossChecked !== undefined ? { [`closes of ${options.against} within ${(options.maxFeedDeviation * 100).toFixed(1)}%`]: crossChecked.toLocaleString("en-US") } : {}),
      });
    });
}
