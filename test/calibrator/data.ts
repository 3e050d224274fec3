import { expect } from "chai";
import { expectClose } from "../helpers/approx.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { candleLogReturns, loadCandles } from "../../calibrator/data/candles.js";
import { loadChainlinkRounds } from "../../calibrator/data/chainlink.js";
import { DataError } from "../../calibrator/data/errors.js";
import { parseTimestamp } from "../../calibrator/data/timestamps.js";
import { logReturns } from "../../calibrator/models/returns.js";

const SAMPLES = "data/format_samples";
const dir = mkdtempSync(join(tmpdir(), "bulwark-data-"));
function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const HEADER = "timestamp,open,high,low,close,volume\n";
const row = (t: string, o = 100, h = 110, l = 90, c = 105) => `${t},${o},${h},${l},${c},1\n`;

function expectDataError(fn: () => unknown, line: number, field: string, reason: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(DataError);
    const e = error as DataError;
    expect(e.row, e.message).to.equal(line);
    expect(e.field, e.message).to.equal(field);
    expect(e.message).to.match(reason);
    expect(e.message).to.include(e.file);
    return;
  }
  expect.fail("expected a DataError");
}

describe("calibrator/data: timestamps", function () {
  it("reads naive UTC, offsets and dates, and rejects impossible times", function () {
    expect(parseTimestamp("2022-01-01 00:00:00")).to.equal(Date.UTC(2022, 0, 1) / 1000);
    expect(parseTimestamp("2020-10-23 11:00:00+03:00")).to.equal(Date.UTC(2020, 9, 23, 8) / 1000);
    expect(parseTimestamp("2020-10-23 11:59:59.999000+03:00")).to.equal(Date.UTC(2020, 9, 23, 8, 59, 59) / 1000);
    expect(parseTimestamp("2021-09-05")).to.equal(Date.UTC(2021, 8, 5) / 1000);
    expect(parseTimestamp("2021-02-30 00:00:00")).to.equal(undefined);
    expect(parseTimestamp("2021-01-01 24:00:00")).to.equal(undefined);
    expect(parseTimestamp("yesterday")).to.equal(undefined);
  });
});

describe("calibrator/data: candle files", function () {
  it("loads the naive-UTC layout (ETHUSDT 2022-2025 hourly: 34,349 candles, one missing hour)", function () {
    const s = loadCandles("data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv");
    expect(s.time.length).to.equal(34_349);
    expect(s.intervalSeconds).to.equal(3_600);
    expect(s.gaps).to.have.length(1);
    expect(new Date(s.time[s.gaps[0]!.index - 1]! * 1000).toISOString()).to.equal("2023-03-24T12:00:00.000Z");
    expect(candleLogReturns(s)).to.have.length(34_348);
    expect(s.close[0]).to.equal(3723.04);
  });

  it("loads the +03:00 offset layout (LINKUSDT) in UTC", function () {
    const s = loadCandles(`${SAMPLES}/LINKUSDT_1h_2020_2024_excerpt.csv`);
    expect(s.time.length).to.equal(200);
    expect(new Date(s.time[0]! * 1000).toISOString()).to.equal("2020-10-23T08:00:00.000Z");
    expect(s.open[0]).to.equal(11.803);
  });

  it("loads the Bitstamp daily layout with its unusual column order", function () {
    const s = loadCandles(`${SAMPLES}/BTCUSD_1d_2011_2025_excerpt.csv`);
    expect(s.intervalSeconds).to.equal(86_400);
    expect([s.open[1], s.close[1], s.high[1], s.low[1]]).to.deep.equal([10.9, 11.69, 11.85, 10.9]);
  });

  it("tolerates a short outage and rejects it under a tighter tolerance, naming file, row and field", function () {
    const file = `${SAMPLES}/ETHUSDT_1h_2017_2021_excerpt.csv`;
    const s = loadCandles(file);
    expect(s.gaps).to.deep.equal([{ index: 47, missing: 2 }]);
    expectDataError(() => loadCandles(file, { maxMissingCandles: 1 }), 49, "open_time_utc", /gap of 2 missing candles after 2021-04-20T01:00:00Z/);
    const repaired = loadCandles(file, { maxMissingCandles: 1, allowGaps: true });
    // The repair drops the return across the gap: 111 candles, 109 returns (110 when tolerated).
    expect(candleLogReturns(repaired, 1)).to.have.length(109);
    expect(candleLogReturns(repaired, 3)).to.have.length(110);
    expect(s.time).to.have.length(111);
  });

  it("rejects NaN, empty, zero and negative prices", function () {
    const t = "2022-01-01 00:00:00";
    expectDataError(() => loadCandles(csv("nan.csv", HEADER + row(t) + "2022-01-01 01:00:00,100,110,90,NaN,1\n")), 3, "close", /not a number/);
    expectDataError(() => loadCandles(csv("empty.csv", HEADER + row(t) + "2022-01-01 01:00:00,,110,90,100,1\n")), 3, "open", /empty value/);
    expectDataError(() => loadCandles(csv("zero.csv", HEADER + row(t, 0))), 2, "open", /must be positive/);
    expectDataError(() => loadCandles(csv("neg.csv", HEADER + row(t) + row("2022-01-01 01:00:00", 100, 110, -1, 100))), 3, "low", /must be positive/);
  });

  it("rejects inconsistent OHLC, duplicates, out-of-order and off-grid timestamps, and missing columns", function () {
    expectDataError(() => loadCandles(csv("hl.csv", HEADER + row("2022-01-01 00:00:00", 100, 95, 90, 100))), 2, "high", /below/);
    expectDataError(() => loadCandles(csv("dup.csv", HEADER + row("2022-01-01 00:00:00") + row("2022-01-01 00:00:00"))), 3, "timestamp", /duplicate timestamp/);
    expectDataError(
      () => loadCandles(csv("order.csv", HEADER + row("2022-01-01 01:00:00") + row("2022-01-01 00:00:00"))),
      3,
      "timestamp",
      /out of order/,
    );
    const grid = HEADER + row("2022-01-01 00:00:00") + row("2022-01-01 01:00:00") + row("2022-01-01 02:00:00") + row("2022-01-01 02:30:00");
    expectDataError(() => loadCandles(csv("grid.csv", grid)), 5, "timestamp", /off the 3600 s grid/);
    expectDataError(() => loadCandles(csv("nocol.csv", "timestamp,open,high,low\n2022-01-01,1,1,1\n")), 1, "close", /missing column/);
    expectDataError(() => loadCandles(csv("notime.csv", "date,open,high,low,close\n2022-01-01,1,1,1,1\n")), 1, "timestamp|open_time_utc|open_time", /missing time column/);
    expectDataError(() => loadCandles(csv("badtime.csv", HEADER + row("2022-13-01 00:00:00"))), 2, "timestamp", /not a timestamp/);
    expect(() => loadCandles(csv("header-only.csv", HEADER))).to.throw(DataError, /no data rows/);
    expect(() => loadCandles(join(dir, "missing.csv"))).to.throw(DataError, /cannot read file/);
  });
});

describe("calibrator/data: Chainlink rounds", function () {
  it("loads the ETH/USD round history with exact answers", function () {
    const r = loadChainlinkRounds(`${SAMPLES}/chainlink_ETH_USD_excerpt.csv`);
    expect(r.decimals).to.equal(8);
    expect(r.answerRaw[0]).to.equal(190818855732n);
    expectClose(r.price[0], 1908.18855732, 1e-9);
    expect(r.updatedAt[0]).to.equal(1680734315);
    expect(r.roundId).to.have.length(200);
  });

  it("rejects zero answers, decimal changes, incomplete and out-of-order rounds", function () {
    const H = "round_id,answer_raw,decimals,started_at_unix,updated_at_unix\n";
    expectDataError(() => loadChainlinkRounds(csv("c0.csv", H + "1,0,8,10,10\n")), 2, "answer_raw", /must be positive/);
    expectDataError(() => loadChainlinkRounds(csv("c1.csv", H + "1,5,8,10,10\n2,5,18,11,11\n")), 3, "decimals", /changed/);
    expectDataError(() => loadChainlinkRounds(csv("c2.csv", H + "1,5,8,0,0\n")), 2, "updated_at_unix", /incomplete/);
    expectDataError(() => loadChainlinkRounds(csv("c3.csv", H + "1,5,8,10,20\n2,5,8,10,15\n")), 3, "updated_at_unix", /out of order/);
    expectDataError(() => loadChainlinkRounds(csv("c4.csv", H + "2,5,8,10,20\n1,5,8,10,25\n")), 3, "round_id", /not increasing/);
    expectDataError(() => loadChainlinkRounds(csv("c5.csv", H + "1,5.5,8,10,20\n")), 2, "answer_raw", /not an integer/);
  });
});

describe("calibrator/models: log returns", function () {
  it("takes logs of consecutive ratios and skips breaks", function () {
    const r = logReturns([100, 110, 99, 99]);
    expect(Array.from(r)).to.deep.equal([Math.log(1.1), Math.log(0.9), 0]);
    expect(Array.from(logReturns([100, 110, 99, 99], new Set([2])))).to.deep.equal([Math.log(1.1), 0]);
  });
});
