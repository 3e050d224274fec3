/**
 * The calibrator's fits on the repository's data: GARCH on ETHUSDT 2022–2025 (1,431 daily and 34,348
 * hourly returns) and the SVI surface of one Deribit snapshot (BTC and ETH); medians of 15 runs.
 */
import { candleLogReturns, loadCandles } from "../calibrator/data/candles.js";
import { loadOptionSnapshot } from "../calibrator/data/deribit.js";
import { fitGarch } from "../calibrator/models/garch.js";
import { impliedVolSurface } from "../calibrator/models/impliedSurface.js";
import { type BenchFigure, timedMedian } from "./timing.js";

const medianMs = (fn: () => unknown): number => timedMedian(15, fn, 2).medianMs;

export function calibratorSpeedFigures(): BenchFigure[] {
  const ethReturns = (interval: "1d" | "1h") =>
    candleLogReturns(loadCandles(`data/binance_spot_eth_btc_2022_2025/ETHUSDT_${interval}_2022_2025.csv`));
  const ethDaily = ethReturns("1d");
  const ethHourly = ethReturns("1h");
  const optionSnapshot = loadOptionSnapshot("data/deribit_btc_eth_option_snapshots_2025_2026/deribit_options_snapshot_20260305T042746Z.csv");
  return [
    { name: "calibrator.garch.fit.1d", value: medianMs(() => fitGarch(ethDaily)), unit: "ms" },
    { name: "calibrator.garch.fit.1h", value: medianMs(() => fitGarch(ethHourly)), unit: "ms", target: 350 },
    {
      name: "calibrator.svi.fit.snapshot",
      value: medianMs(() => ["BTC", "ETH"].map((c) => impliedVolSurface(optionSnapshot, c))),
      unit: "ms",
      target: 200,
    },
  ];
}
