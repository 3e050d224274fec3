/**
 * Issue 16: malformed and implausible market data, one class per row of the table. Each class is a
 * copy of a shipped file with one thing changed; the loader must refuse it with a DataError naming
 * the file, the row and the field, and the message must say why. The CLI cases at the end check that
 * no stack trace reaches the user and that no output file is written when input is refused.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadCandles } from "../../calibrator/data/candles.js";
import { loadChainlinkRounds } from "../../calibrator/data/chainlink.js";
import { loadOptionSnapshot } from "../../calibrator/data/deribit.js";
import { DataError, ImplausibleDataError } from "../../calibrator/data/errors.js";
import { loadPoolSnapshot } from "../../calibrator/data/uniswapPool.js";

const CANDLES = "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv";
const ROUNDS = "data/chainlink_feeds_mainnet_2022_2024/chainlink_ETH_USD_0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419.csv";
const OPTIONS = "data/deribit_btc_eth_option_snapshots_2025_2026/deribit_options_snapshot_20260305T042746Z.csv";
const POOL = "data/uniswap_v3_usdc_weth_005_ticks";
const POOL_META = "ETHUSDC_0p05_mainnet.meta.json";
const POOL_TICKS = "ETHUSDC_0p05_mainnet_ticks.csv";

/** The first `rows` data lines of a file, as [header, ...lines]. */
const head = (file: string, rows: number) => readFileSync(file, "utf8").split("\n").slice(0, rows + 1);

/** A CSV held as lines, edited by column name; `line` is the file's 1-based line number. */
class Csv {
  readonly lines: string[];
  constructor(lines: string[]) {
    // The shipped round files end lines with CRLF.
    this.lines = lines.map((l) => l.replace(/\r$/, ""));
  }
  private index(name: string): number {
    const i = this.lines[0]!.split(",").map((h) => h.replace(/^"|"$/g, "")).indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    return i;
  }
  get(line: number, name: string): string {
    return this.lines[line - 1]!.split(",")[this.index(name)]!;
  }
  set(line: number, name: string, value: string | ((old: string) => string)): this {
    const cells = this.lines[line - 1]!.split(",");
    const i = this.index(name);
    cells[i] = typeof value === "function" ? value(cells[i]!) : value;
    this.lines[line - 1] = cells.join(",");
    return this;
  }
  text(): string {
    return this.lines.join("\n");
  }
}

const dir = mkdtempSync(join(tmpdir(), "bulwark-malformed-"));
let fileCount = 0;
const write = (name: string, content: string | Buffer) => {
  const file = join(dir, `${++fileCount}-${name}`);
  writeFileSync(file, content);
  return file;
};

const times = (x: string, k: number) => String(Number(x) * k);
const utcPlusYears = (text: string, years: number) => {
  const t = new Date(`${text.replace(" ", "T")}Z`);
  t.setUTCFullYear(t.getUTCFullYear() + years);
  return t.toISOString().replace("T", " ").slice(0, 19);
};

interface MalformedCase {
  name: string;
  /** Builds the file (or folder) and loads it; the loader must throw. */
  load: () => unknown;
  row: number | undefined;
  field: string | undefined;
  reason: RegExp;
  /** The refusal is the plausibility layer's (an ImplausibleDataError). */
  implausible?: boolean;
}

const candles = () => new Csv(head(CANDLES, 400));
const loadCsv = (name: string, csv: Csv | string | Buffer) => () => loadCandles(write(name, csv instanceof Csv ? csv.text() : csv));
const rounds = () => new Csv(head(ROUNDS, 400));
const loadRounds = (name: string, csv: Csv) => () => loadChainlinkRounds(write(name, csv.text()));
const options = () => new Csv(readFileSync(OPTIONS, "utf8").split("\n"));
const loadOptions = (name: string, csv: Csv, currency = "BTC") => () => loadOptionSnapshot(write(name, csv.text()), { currency });

/** A copy of the pool folder with its tick file edited. */
function pool(edit: (ticks: Csv) => void, extra?: (folder: string) => void): () => unknown {
  return () => {
    const folder = join(dir, `${++fileCount}-pool`);
    mkdirSync(folder);
    copyFileSync(join(POOL, POOL_META), join(folder, POOL_META));
    const ticks = new Csv(readFileSync(join(POOL, POOL_TICKS), "utf8").split("\n"));
    edit(ticks);
    writeFileSync(join(folder, POOL_TICKS), ticks.text());
    extra?.(folder);
    return loadPoolSnapshot(folder);
  };
}
/** The file line of the tick row `tick` in the shipped tick file. */
const tickLine = (tick: number) => readFileSync(join(POOL, POOL_TICKS), "utf8").split("\n").findIndex((l) => l.endsWith(`,${tick}`)) + 1;

/** Every OHLC field of lines `from`..`to` (inclusive) of a candle copy, edited. */
function editPrices(c: Csv, from: number, to: number, edit: (v: string) => string): Csv {
  for (let l = from; l <= to; l++) for (const f of ["open", "high", "low", "close"]) c.set(l, f, edit);
  return c;
}
const LAST_CANDLE = 401;
const futureCandles = () => new Csv(candles().lines.map((l, i) => (i === 0 ? l : `${utcPlusYears(l.split(",")[0]!, 8)}${l.slice(l.indexOf(","))}`)));
/** Hours 102–161 stuck at hour 101's close, as a halted feed repeats its last price. */
function frozenCandles(): Csv {
  const c = candles();
  const last = c.get(101, "close");
  return editPrices(c, 102, 161, () => last);
}
/** Both time fields of rounds `from`.. shifted by `seconds`. */
function shiftRounds(from: number, seconds: number): Csv {
  const c = rounds();
  for (let l = from; l <= 401; l++) for (const f of ["started_at_unix", "updated_at_unix"]) c.set(l, f, (v) => String(Number(v) + seconds));
  return c;
}

const CASES: MalformedCase[] = [
  // Candles
  { name: "candles: timestamps in the future", load: loadCsv("future.csv", futureCandles()), row: 2, field: "timestamp", reason: /is in the future/, implausible: true },
  { name: "candles: a close 1000× the neighbours", load: loadCsv("spike1000.csv", candles().set(200, "close", (c) => times(c, 1000)).set(200, "high", (c) => times(c, 1000))), row: 200, field: "close", reason: /leaves both neighbours .* robust sigmas \(limit 50; --max-jump-sigma\): a bad print/, implausible: true },
  { name: "candles: a close 100× the neighbours", load: loadCsv("spike100.csv", candles().set(200, "close", (c) => times(c, 100)).set(200, "high", (c) => times(c, 100))), row: 200, field: "close", reason: /a bad print/, implausible: true },
  { name: "candles: a constant price series", load: loadCsv("constant.csv", editPrices(candles(), 2, LAST_CANDLE, () => "100")), row: 2, field: "close", reason: /every one of the 400 closes is 100: a constant series/ },
  { name: "candles: a frozen run of 60 hours", load: loadCsv("frozen.csv", frozenCandles()), row: 149, field: "close", reason: /49 consecutive identical values .* \(limit 48; --max-constant-run\): a frozen feed/, implausible: true },
  { name: "candles: the series jumps ×50 for good (a spliced file or a wrong unit)", load: loadCsv("step.csv", editPrices(candles(), 250, LAST_CANDLE, (v) => times(v, 50))), row: 250, field: "close", reason: /robust sigmas \(limit 100; --max-step-sigma\)/, implausible: true },
  { name: "candles: negative volume", load: loadCsv("negvol.csv", candles().set(10, "volume", "-5")), row: 10, field: "volume", reason: /not a non-negative decimal volume: "-5"/ },
  { name: "candles: a non-UTF-8 byte in a volume field", load: loadCsv("latin1.csv", Buffer.concat([Buffer.from(candles().lines.slice(0, 5).join("\n") + "\n"), Buffer.from(candles().lines[5]!.replace(/,[^,]*$/, ",12")), Buffer.from([0xff]), Buffer.from("\n" + candles().lines.slice(6).join("\n"))])), row: 6, field: "volume", reason: /not valid UTF-8/ },
  { name: "candles: a duplicated column name", load: loadCsv("dupcol.csv", candles().text().replace("low,close,volume", "low,close,close")), row: 1, field: "close", reason: /duplicated column name/ },
  { name: "candles: a hex number", load: loadCsv("hex.csv", candles().set(20, "close", "0x10")), row: 20, field: "close", reason: /not a number \(a plain decimal is expected\): "0x10"/ },
  { name: "candles: Infinity", load: loadCsv("inf.csv", candles().set(20, "high", "Infinity")), row: 20, field: "high", reason: /not a number/ },
  { name: "candles: NaN", load: loadCsv("nan.csv", candles().set(20, "open", "NaN")), row: 20, field: "open", reason: /not a number/ },
  { name: "candles: an empty close", load: loadCsv("empty.csv", candles().set(20, "close", "")), row: 20, field: "close", reason: /empty value/ },
  { name: "candles: a zero open", load: loadCsv("zero.csv", candles().set(20, "open", "0")), row: 20, field: "open", reason: /must be positive/ },
  { name: "candles: a negative low", load: loadCsv("neglow.csv", candles().set(20, "low", "-1")), row: 20, field: "low", reason: /must be positive/ },
  { name: "candles: high below the close", load: loadCsv("highlow.csv", candles().set(20, "high", (h) => times(h, 0.5))), row: 20, field: "high", reason: /is below open\/close\/low/ },
  { name: "candles: low above the open", load: loadCsv("lowhigh.csv", candles().set(20, "low", (l) => times(l, 1.5)).set(20, "high", (h) => times(h, 2))), row: 20, field: "low", reason: /is above open\/close/ },
  { name: "candles: a duplicate timestamp", load: loadCsv("dupts.csv", (() => { const c = candles(); return c.set(21, "timestamp", c.get(20, "timestamp")); })()), row: 21, field: "timestamp", reason: /duplicate timestamp/ },
  { name: "candles: out of order", load: loadCsv("order.csv", (() => { const c = candles(); return c.set(21, "timestamp", c.get(19, "timestamp")); })()), row: 21, field: "timestamp", reason: /out of order/ },
  { name: "candles: off the hourly grid", load: loadCsv("grid.csv", candles().set(21, "timestamp", (t) => t.replace(":00:00", ":30:00"))), row: 21, field: "timestamp", reason: /off the 3600 s grid/ },
  { name: "candles: not a timestamp", load: loadCsv("badts.csv", candles().set(21, "timestamp", "yesterday")), row: 21, field: "timestamp", reason: /not a timestamp: "yesterday"/ },
  { name: "candles: a gap of 10 hours", load: loadCsv("gap.csv", new Csv(candles().lines.filter((_, i) => i < 100 || i > 109))), row: 101, field: "timestamp", reason: /gap of 10 missing candles/ },
  { name: "candles: a missing column", load: loadCsv("nocol.csv", candles().text().replace("low,close", "low,clos")), row: undefined, field: "close", reason: /missing column/ },
  // Chainlink rounds
  { name: "rounds: updatedAt in the future", load: loadRounds("future.csv", shiftRounds(2, 8 * 365 * 86_400)), row: 2, field: "updated_at_unix", reason: /is in the future/, implausible: true },
  { name: "rounds: updatedAt decreasing", load: loadRounds("decreasing.csv", (() => { const c = rounds(); return c.set(30, "updated_at_unix", c.get(28, "updated_at_unix")).set(30, "started_at_unix", c.get(28, "started_at_unix")); })()), row: 30, field: "updated_at_unix", reason: /out of order/ },
  { name: "rounds: updatedAt equal across three rounds", load: loadRounds("equal.csv", (() => { const c = rounds(); for (const l of [31, 32]) c.set(l, "updated_at_unix", c.get(30, "updated_at_unix")).set(l, "started_at_unix", c.get(30, "started_at_unix")); return c; })()), row: 32, field: "updated_at_unix", reason: /3 rounds share updated_at/ },
  { name: "rounds: answeredInRound behind roundId", load: loadRounds("answered.csv", (() => { const c = rounds(); return c.set(40, "answered_in_round", c.get(39, "round_id")); })()), row: 40, field: "answered_in_round", reason: /is behind round_id .* a carried-over \(stale\) answer/ },
  { name: "rounds: an answer of 1e52", load: loadRounds("huge.csv", rounds().set(50, "answer_raw", `1${"0".repeat(52)}`)), row: 50, field: "answer_raw", reason: /robust sigmas/, implausible: true },
  { name: "rounds: a ×1000 spike", load: loadRounds("spike.csv", rounds().set(50, "answer_raw", (a) => `${a}000`)), row: 50, field: "answer_raw", reason: /a bad print/, implausible: true },
  { name: "rounds: a 30-day gap", load: loadRounds("gap.csv", shiftRounds(200, 30 * 86_400)), row: 200, field: "updated_at_unix", reason: /30\.\d days after the previous round \(limit 72 h; --max-round-gap\)/ },
  { name: "rounds: a negative time", load: loadRounds("negative.csv", rounds().set(60, "started_at_unix", "-5")), row: 60, field: "started_at_unix", reason: /negative time -5/ },
  { name: "rounds: a phase id that disagrees with the round id", load: loadRounds("phase.csv", rounds().set(70, "phase_id", "5")), row: 70, field: "phase_id", reason: /disagrees with round_id/ },
  { name: "rounds: an aggregator round that disagrees with the round id", load: loadRounds("aggregator.csv", rounds().set(70, "aggregator_round_id", "9999")), row: 70, field: "aggregator_round_id", reason: /disagrees with round_id/ },
  { name: "rounds: a zero answer", load: loadRounds("zero.csv", rounds().set(80, "answer_raw", "0")), row: 80, field: "answer_raw", reason: /must be positive/ },
  { name: "rounds: the decimals change", load: loadRounds("decimals.csv", rounds().set(80, "decimals", "18")), row: 80, field: "decimals", reason: /changed from 8 to 18/ },
  { name: "rounds: a fractional answer", load: loadRounds("fraction.csv", rounds().set(80, "answer_raw", "1.5")), row: 80, field: "answer_raw", reason: /not an integer: "1\.5"/ },
  { name: "rounds: a round id that does not increase", load: loadRounds("roundid.csv", (() => { const c = rounds(); return c.set(90, "round_id", c.get(88, "round_id")).set(90, "aggregator_round_id", c.get(88, "aggregator_round_id")).set(90, "answered_in_round", c.get(88, "round_id")); })()), row: 90, field: "round_id", reason: /not increasing/ },
  // Deribit snapshots
  { name: "options: a duplicate instrument", load: loadOptions("dup.csv", (() => { const c = options(); c.lines.splice(3, 0, c.lines[1]!); return c; })()), row: 4, field: "instrument_name", reason: /again \(first on line 2\)/ },
  { name: "options: mixed snapshot times", load: loadOptions("mixed.csv", options().set(5, "timestamp", (t) => t.replace("T04:", "T05:"))), row: 5, field: "timestamp", reason: /rows of two snapshots mixed/ },
  { name: "options: a name that disagrees with its currency", load: loadOptions("currency.csv", options().set(2, "currency", "ETH")), row: 2, field: "currency", reason: /ETH disagrees with the instrument BTC-/ },
  { name: "options: a name that disagrees with its strike", load: loadOptions("strike.csv", options().set(2, "strike", "90000.0")), row: 2, field: "strike", reason: /90000 disagrees with the instrument/ },
  { name: "options: a name that disagrees with its expiry", load: loadOptions("expiry.csv", options().set(2, "expiry_datetime", "2026-12-18T08:00:00+00:00")), row: 2, field: "expiry_datetime", reason: /disagrees with the instrument/ },
  { name: "options: a name that disagrees with its type", load: loadOptions("type.csv", options().set(2, "option_type", "put")), row: 2, field: "option_type", reason: /put disagrees with the instrument/ },
  { name: "options: a mark above the no-arbitrage bound", load: loadOptions("mark.csv", options().set(2, "mark_price", "1.5")), row: 2, field: "mark_price", reason: /above the no-arbitrage bound/ },
  { name: "options: an IV of 1000%", load: loadOptions("iv.csv", options().set(2, "implied_volatility", "10")), row: 2, field: "implied_volatility", reason: /\(1000%\) is above 500%/ },
  { name: "options: a forward 10× spot", load: loadOptions("forward.csv", options().set(2, "underlying", (u) => times(u, 10))), row: 2, field: "underlying", reason: /is 10\.\d+× the index .* \(limit 1\.5×\)/ },
  { name: "options: no rows for the requested currency", load: loadOptions("none.csv", options(), "SOL"), row: undefined, field: "currency", reason: /no row for SOL \(the file holds / },
  { name: "options: an unknown option type", load: loadOptions("straddle.csv", options().set(2, "option_type", "straddle")), row: 2, field: "option_type", reason: /expected call or put, got "straddle"/ },
  { name: "options: an expired quote", load: loadOptions("expired.csv", options().set(2, "expiry_datetime", "2026-03-01T08:00:00+00:00")), row: 2, field: "expiry_datetime", reason: /expired at snapshot time/ },
  // Uniswap v3 folders
  { name: "pool: a file given instead of a folder", load: () => loadPoolSnapshot(join(POOL, POOL_TICKS)), row: undefined, field: undefined, reason: /is a file; a pool snapshot is a folder/ },
  { name: "pool: two meta files", load: pool(() => undefined, (folder) => copyFileSync(join(POOL, POOL_META), join(folder, `other.meta.json`))), row: undefined, field: undefined, reason: /2 meta files .* a snapshot folder holds exactly one/ },
  { name: "pool: two tick files", load: pool(() => undefined, (folder) => copyFileSync(join(POOL, POOL_TICKS), join(folder, `other_ticks.csv`))), row: undefined, field: undefined, reason: /2 tick files/ },
  { name: "pool: a fractional tick", load: pool((t) => t.set(tickLine(200010), "tickIdx", "200010.5")), row: tickLine(200010), field: "tickIdx", reason: /not a valid tick: "200010\.5"/ },
  { name: "pool: a scientific tick", load: pool((t) => t.set(tickLine(200010), "tickIdx", "2.0001e5")), row: tickLine(200010), field: "tickIdx", reason: /not a valid tick: "2\.0001e5"/ },
  { name: "pool: a tick off the spacing", load: pool((t) => t.set(tickLine(200010), "tickIdx", "200011")), row: tickLine(200010), field: "tickIdx", reason: /not a multiple of the tick spacing 10/ },
  {
    name: "pool: an isolated liquidity wall",
    // 1e24 added at one tick above the price and removed at the next: the nets still cancel, the active liquidity is unchanged.
    load: pool((t) => t.set(tickLine(200010), "liquidityGross", "1e24").set(tickLine(200010), "liquidityNet", "1e24").set(tickLine(200020), "liquidityGross", (g) => String(Number(g) + 1e24)).set(tickLine(200020), "liquidityNet", (n) => String(Number(n) - 1e24))),
    row: tickLine(200010),
    field: "liquidityNet",
    reason: /an isolated liquidity wall from tick 200010: .* \(the limit is 100×\)/,
  },
];

describe("issue 16: malformed and implausible market data is refused, naming file, row and field", function () {
  this.timeout(120_000);

  it(`the table holds at least 40 classes (${CASES.length})`, function () {
    expect(CASES.length).to.be.at.least(40);
    expect(new Set(CASES.map((c) => c.name)).size).to.equal(CASES.length);
  });

  for (const c of CASES) {
    it(c.name, function () {
      let caught: unknown;
      try {
        c.load();
      } catch (error) {
        caught = error;
      }
      expect(caught, "accepted silently").to.be.instanceOf(DataError);
      const error = caught as DataError;
      expect(error.message, error.message).to.match(c.reason);
      if (c.row !== undefined) expect(error.row, error.message).to.equal(c.row);
      expect(error.field, error.message).to.equal(c.field);
      expect(error.message.startsWith(error.file), error.message).to.equal(true);
      expect(error instanceof ImplausibleDataError, `${error.name}: ${error.message}`).to.equal(c.implausible === true);
    });
  }

  it("the CLI prints the refusal without a stack trace, exits 2 and writes no output file", function () {
    const bulwark = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...args], { encoding: "utf8" });
    const spiked = write("cli-spike.csv", candles().set(200, "close", (x) => times(x, 1000)).set(200, "high", (x) => times(x, 1000)).text());
    const runs = [
      bulwark("vol", "--input", spiked),
      bulwark("feed", "--input", write("cli-rounds.csv", rounds().set(50, "answer_raw", (a) => `${a}000`).text())),
      bulwark("iv", "--input", write("cli-options.csv", options().set(2, "implied_volatility", "10").text()), "--currency", "BTC"),
      bulwark("slippage", "--pool", join(POOL, POOL_TICKS), "--sell", "1"),
    ];
    for (const run of runs) {
      expect(run.status, run.stderr).to.equal(2);
      expect(run.stderr).to.match(/^bulwark: .*(:\d+ \[\w+\]|is a file)/);
      expect(run.stderr).to.not.match(/\n\s+at /);
      expect(run.stdout).to.equal("");
    }
    // A backtest whose candle file is refused writes no HTML report.
    const config = JSON.parse(readFileSync("test/fixtures/backtest.test.json", "utf8")) as Record<string, unknown> & { assets: Record<string, unknown>[] };
    const root = process.cwd();
    const html = join(dir, "report.html");
    const bad = { ...config, deployment: join(root, "deploy/local.json"), calibration: join(root, "config/calibrate.sample.json"), repositoryRoot: root };
    bad.assets = config.assets.map((a) => ({ ...a, pool: join(root, POOL) }));
    const full = new Csv(readFileSync(CANDLES, "utf8").split("\n"));
    const line = full.lines.findIndex((l) => l.startsWith("2022-11-09 05:00:00")) + 1;
    bad.assets[0]!.candles = write("cli-backtest.csv", full.set(line, "close", (x) => times(x, 1000)).set(line, "high", (x) => times(x, 1000)).text());
    bad.assets[1]!.candles = join(root, "data/binance_spot_eth_btc_2022_2025/BTCUSDT_1h_2022_2025.csv");
    const configFile = write("cli-backtest.json", JSON.stringify(bad));
    const run = bulwark("backtest", "--config", configFile, "--html", html, "--progress", "never");
    expect(run.status, run.stderr).to.equal(2);
    expect(run.stderr).to.contain(`${basename(bad.assets[0]!.candles as string)}:${line} [close]`);
    expect(existsSync(html)).to.equal(false);
  });
});
