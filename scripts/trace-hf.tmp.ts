import { network } from "hardhat";
import { deployEngine, ENGINE_ASSETS, fund, units } from "./lib/engine.js";
const { ethers, networkHelpers } = await network.create();
const signers = await ethers.getSigners();
const [lender, alice] = signers.slice(5, 7);
const five = [...ENGINE_ASSETS, { symbol: "UNI", decimals: 18, price8: 8n * 10n ** 8n }];
const s = await deployEngine(ethers, { assets: five });
await fund(s.usdc, s.engine, lender!, units(10_000_000, 6));
await s.engine.connect(lender!).deposit(units(10_000_000, 6), lender!.address);
for (const [i, amount] of [[0, units(1, 18)], [1, units("0.1", 8)], [2, units(100, 18)], [3, units(1_000, 6)], [4, units(100, 18)]] as const) {
  const a = s.assets[i]!; await fund(a.token, s.engine, alice!, amount);
  await s.engine.connect(alice!).depositCollateral(a.address, amount, alice!.address);
}
await s.engine.connect(alice!).borrow(units(5_000, 6), alice!.address);
await networkHelpers.time.increase(3600);
for (const a of s.assets) await a.feed.updateAnswer((await a.feed.latestRoundData())[1]);
const probe = await ethers.deployContract("GasProbe");
const tx = await probe.measureHealthFactor(await s.engine.getAddress(), alice!.address);
const trace: any = await ethers.provider.send("debug_traceTransaction", [tx.hash, {}]);
const counts: Record<string, { n: number; gas: number }> = {};
let cold = 0, coldCalls = 0;
for (const l of trace.structLogs) {
  const k = `${l.depth}:${l.op}`;
  counts[k] ??= { n: 0, gas: 0 }; counts[k].n++; counts[k].gas += l.gasCost;
  if (l.op === "SLOAD" && l.gasCost >= 2100) cold++;
}
console.log("cold SLOADs", cold);
const sorted = Object.entries(counts).sort((a, b) => b[1].gas - a[1].gas).slice(0, 25);
for (const [k, v] of sorted) console.log(k, v.n, v.gas);
// per depth total steps
const depth: Record<number, number> = {};
for (const l of trace.structLogs) depth[l.depth] = (depth[l.depth] ?? 0) + 1;
console.log(depth);
