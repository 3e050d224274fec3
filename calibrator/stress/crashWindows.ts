/**
 * Historical crash windows cut from the repository's copies of the shared Binance hourly data
 * (data/*\/SOURCE.md). Paths are relative to the repository root; `from` is the first replayed candle
 * and the candle before it sets the opening prices.
 */
export interface CrashWindow {
  name: string;
  description: string;
  /** First and last candle open time replayed, "YYYY-MM-DD HH:MM:SS" UTC. */
  from: string;
  to: string;
  /** ETHUSDT and BTCUSDT hourly files, aligned. */
  files: { ETH: string; BTC: string };
}

const Y2020 = { ETH: "data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2020-01_2020-03.csv", BTC: "data/binance_spot_eth_btc_2017_2021/BTCUSDT_1h_2020-01_2020-03.csv" };
const Y2021 = { ETH: "data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2021-03_2021-05.csv", BTC: "data/binance_spot_eth_btc_2017_2021/BTCUSDT_1h_2021-03_2021-05.csv" };
const Y2022_2025 = { ETH: "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv", BTC: "data/binance_spot_eth_btc_2022_2025/BTCUSDT_1h_2022_2025.csv" };

export const CRASH_WINDOWS: readonly CrashWindow[] = [
  { name: "2020-03-12", description: "Black Thursday: ETH −43% in a day, MakerDAO's $0-bid auctions", from: "2020-03-12 00:00:00", to: "2020-03-13 23:00:00", files: Y2020 },
  { name: "2021-05-19", description: "China mining ban sell-off: ETH −40% intraday", from: "2021-05-19 00:00:00", to: "2021-05-20 23:00:00", files: Y2021 },
  { name: "2022-05", description: "Terra/LUNA collapse", from: "2022-05-09 00:00:00", to: "2022-05-12 23:00:00", files: Y2022_2025 },
  { name: "2022-11", description: "FTX collapse", from: "2022-11-08 00:00:00", to: "2022-11-11 23:00:00", files: Y2022_2025 },
  { name: "2023-03", description: "SVB / USDC depeg weekend", from: "2023-03-10 00:00:00", to: "2023-03-13 23:00:00", files: Y2022_2025 },
  { name: "2024-08-05", description: "Yen carry-trade unwind", from: "2024-08-04 00:00:00", to: "2024-08-06 23:00:00", files: Y2022_2025 },
];

/**
 * Crash windows that no issue names and no constant was chosen on: the policy comparison runs them the
 * same way (`scripts/policy-table.ts --holdout`), so a policy fitted to the six named dates shows here.
 */
export const HOLDOUT_CRASH_WINDOWS: readonly CrashWindow[] = [
  { name: "2022-06-13", description: "Celsius freeze and 3AC: ETH −16% in a day, stETH discount", from: "2022-06-12 00:00:00", to: "2022-06-15 23:00:00", files: Y2022_2025 },
  { name: "2024-04-13", description: "Iran strike weekend: ETH −9% in hours", from: "2024-04-12 00:00:00", to: "2024-04-14 23:00:00", files: Y2022_2025 },
  { name: "2025-02-03", description: "Tariff shock: ETH −25% intraday, the largest liquidation day of 2025 to then", from: "2025-02-02 00:00:00", to: "2025-02-04 23:00:00", files: Y2022_2025 },
  { name: "2025-10-10", description: "Tariff headline cascade: $19B of liquidations across venues", from: "2025-10-10 00:00:00", to: "2025-10-12 23:00:00", files: Y2022_2025 },
];

export function crashWindow(name: string): CrashWindow {
  const w = CRASH_WINDOWS.find((c) => c.name === name);
  if (!w) throw new RangeError(`unknown crash window "${name}"; choose one of ${CRASH_WINDOWS.map((c) => c.name).join(", ")}`);
  return w;
}
