/**
 * The selection's timing figures (bench/selectSpeed.ts), in a process of their own like
 * scripts/bench-backtest.ts, so worker threads start from a clean process. Prints one JSON array.
 */
import { selectSpeedFigures } from "../bench/selectSpeed.js";

console.log(JSON.stringify(await selectSpeedFigures()));
