/**
 * The backtest simulator's timing figures, in a process of their own: `npm run bench` runs this file in
 * a fresh Node process so the figures measure the simulator, not the heap and the JIT state that the
 * Hardhat network and the gas benchmarks leave behind. Prints the figures as one JSON array.
 */
import { backtestSeedsFigure, backtestSimFigure } from "../bench/backtestSpeed.js";

console.log(JSON.stringify([backtestSimFigure(), backtestSeedsFigure()]));
