import { backtestSimFigure } from "./scripts/lib/backtestBench.js";
console.log(backtestSimFigure(2));
