import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChainlinkRounds } from "../../calibrator/data/chainlink.js";
import { loadChainlinkRounds } from "../../calibrator/data/chainlink.js";
import { summarizeFeed } from "../../calibrator/models/feedSummary.js";
import { expectClose } from "../helpers/approx.js";

const OPTIONS = { heartbeatSeconds: 3_600, deviationBps: 50, graceSeconds: 60 };

/** Rounds of phase `phase` at the given times and prices (8 decimals). */
function rounds(updatedAt: number[], price: number[], phase = 6n): ChainlinkRounds {
  return {
    file: "synthetic.csv",
    roundId: updatedAt.map((_, i) => (phase << 64n) | BigInt(i + 1)),
    price: Float64Array.from(price),
    answerRaw: price.map((p) => BigInt(Math.round(p * 1e8))),
    startedAt: Float64Array.from(updatedAt),
    updatedAt: Float64Array.from(updatedAt),
    decimals: 8,
  };
}

describe("bulwark feed: a Chainlink round history summarised (issue 17 item 11)", function () {
  it("classes each round by its trigger and counts the overdue intervals, on a series built by hand", function () {
    // 0 → 3600: heartbeat (+0.1%); → 4200: deviation (+1%); → 4500: early (+0.1% in 5 min);
    // → 9000: overdue by 900 s, heartbeat (−0.1%).
    const t = [0, 3_600, 4_200, 4_500, 9_000];
    const p = [1000, 1001, 1011.01, 1012.02101, 1011.0089];
    const s = summarizeFeed(rounds(t, p), OPTIONS);
    expect(s.rounds).to.equal(5);
    expect(s.spanSeconds).to.equal(9_000);
    expect(s.updates).to.deep.equal({ deviation: 1, heartbeat: 2, early: 1 });
    expect(s.heartbeat.overdue).to.equal(1);
    expect(s.heartbeat.overdueShare).to.equal(0.25);
    expect(s.intervals.maxSeconds).to.equal(4_500);
    expect(s.intervals.maxEndsAt).to.equal(9_000);
    // Intervals 3600, 600, 300, 4500: the median interpolates between 600 and 3600.
    expect(s.intervals.medianSeconds).to.equal(2_100);
    expectClose(s.deviation.maxBps, 100, 1e-12);
    expect(s.deviation.maxAt).to.equal(4_200);
    expect(s.price).to.deep.equal({ first: 1000, last: 1011.0089, min: 1000, max: 1012.02101 });
    expect(s.phases).to.deep.equal([6]);
  });

  it("a round landing within the grace after the heartbeat is on time; one past it is overdue", function () {
    expect(summarizeFeed(rounds([0, 3_660], [1, 1.0001]), OPTIONS).heartbeat.overdue).to.equal(0);
    expect(summarizeFeed(rounds([0, 3_661], [1, 1.0001]), OPTIONS).heartbeat.overdue).to.equal(1);
  });

  it("refuses a history of one round and options that are not positive", function () {
    expect(() => summarizeFeed(rounds([0], [1]), OPTIONS)).to.throw(RangeError, /at least 2 rounds/);
    expect(() => summarizeFeed(rounds([0, 1], [1, 1]), { ...OPTIONS, heartbeatSeconds: 0 })).to.throw(RangeError, /must be positive/);
    expect(() => summarizeFeed(rounds([0, 1], [1, 1]), { ...OPTIONS, deviationBps: Number.NaN })).to.throw(RangeError, /deviationBps/);
  });

  it("on the real ETH/USD history: 11,106 rounds of phase 6, and the summary agrees with a direct count", function () {
    const file = "data/chainlink_feeds_mainnet_2022_2024/chainlink_ETH_USD_0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419.csv";
    const history = loadChainlinkRounds(file);
    const s = summarizeFeed(history, OPTIONS);
    expect(s.rounds).to.equal(11_106);
    expect(s.phases).to.deep.equal([6]);
    let late = 0;
    for (let i = 1; i < s.rounds; i++) if (history.updatedAt[i]! - history.updatedAt[i - 1]! > 3_660) late++;
    expect(s.heartbeat.overdue).to.equal(late);
    expect(s.updates.deviation + s.updates.heartbeat + s.updates.early).to.equal(s.rounds - 1);
    // A 1-hour heartbeat feed: no interval much over an hour, and the median below it.
    expect(s.intervals.maxSeconds).to.be.below(2 * 3_600);
    expect(s.intervals.medianSeconds).to.be.below(3_600);
  });

  const bulwark = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...args], { encoding: "utf8" });

  it("bulwark feed --json prints the summary; the table names the span, gaps and deviation", function () {
    this.timeout(30_000);
    const file = "data/format_samples/chainlink_ETH_USD_excerpt.csv";
    const run = bulwark("feed", "--input", file, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as ReturnType<typeof summarizeFeed> & { file: string };
    expect(out.rounds).to.equal(200);
    expect(out.file).to.equal(file);
    expect(out).to.deep.include(summarizeFeed(loadChainlinkRounds(file), OPTIONS));
    const table = bulwark("feed", "--input", file);
    expect(table.status, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/200 rounds, phase 6, 8 decimals/);
    expect(table.stdout).to.match(/span .*2023-04-05 22:38:35 →/);
    expect(table.stdout).to.include("over heartbeat 1.00 h + 60 s");
    expect(table.stdout).to.match(/deviation updates \(≥ 50 bps\)/);
  });

  it("bulwark feed refuses out-of-order rounds naming the file, row and field, and a zero heartbeat (exit 2, no stack)", function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), "bulwark-feed-"));
    const lines = readFileSync("data/format_samples/chainlink_ETH_USD_excerpt.csv", "utf8").trim().split("\n");
    [lines[5], lines[6]] = [lines[6]!, lines[5]!];
    const bad = join(dir, "swapped.csv");
    writeFileSync(bad, `${lines.join("\n")}\n`);
    const run = bulwark("feed", "--input", bad);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/swapped\.csv:7 \[round_id\]: not increasing/);
    expect(run.stderr).to.not.match(/\n\s+at /);
    const zero = bulwark("feed", "--input", bad, "--heartbeat", "0");
    expect(zero.status).to.equal(2);
    expect(zero.stderr).to.include("--heartbeat");
  });
});
