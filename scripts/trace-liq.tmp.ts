import { network } from "hardhat";
import { deployEngine, fund, units } from "./lib/engine.js";
const { ethers, networkHelpers } = await network.create();
const signers = await ethers.getSigners();
const [lender, alice, liquidator] = signers.slice(5, 8);
const s = await deployEngine(ethers);
await fund(s.usdc, s.engine, lender!, units(10_000_000, 6));
await s.engine.connect(lender!).deposit(units(10_000_000, 6), lender!.address);
const a = s.assets[0]!;
await fund(a.token, s.engine, alice!, units(10, 18));
await s.engine.connect(alice!).depositCollateral(a.address, units(10, 18), alice!.address);
const mode = process.env.MODE ?? "liq";
let tx;
if (mode === "again") {
  await s.engine.connect(alice!).borrow(units(10_000, 6), alice!.address);
  await networkHelpers.time.increase(3600);
  for (const x of s.assets) await x.feed.updateAnswer((await x.feed.latestRoundData())[1]);
  tx = await s.engine.connect(alice!).borrow(units(1_000, 6), alice!.address);
} else if (mode === "borrow") {
  await networkHelpers.time.increase(3600);
  for (const x of s.assets) await x.feed.updateAnswer((await x.feed.latestRoundData())[1]);
  tx = await s.engine.connect(alice!).borrow(units(16_000, 6), alice!.address);
} else {
  await s.engine.connect(alice!).borrow(units(16_000, 6), alice!.address);
  await fund(s.usdc, s.engine, liquidator!, units(40_000, 6));
  await a.token.mint(liquidator!.address, 1n);
  await networkHelpers.time.increase(3600);
  for (const x of s.assets) await x.feed.updateAnswer((await x.feed.latestRoundData())[1]);
  await a.feed.updateAnswer(1_900n * 10n ** 8n);
  tx = await s.engine.connect(liquidator!).liquidate(alice!.address, a.address, units(8_000, 6), 0n);
}
const rc = await tx.wait();
console.log("gasUsed", rc!.gasUsed);
const trace: any = await ethers.provider.send("debug_traceTransaction", [tx.hash, {}]);
const byDepthOp: Record<string, { n: number; gas: number }> = {};
let coldS = 0, sstore = 0;
const perDepth: Record<number, number> = {};
const logs = trace.structLogs;
for (let i = 0; i < logs.length; i++) {
  const l = logs[i];
  const k = `${l.depth}:${l.op}`;
  byDepthOp[k] ??= { n: 0, gas: 0 };
  byDepthOp[k].n++;
  // For CALL-family the gasCost includes the callee's gas; use the next op's depth to exclude.
  let cost = l.gasCost;
  if (["CALL", "STATICCALL", "DELEGATECALL"].includes(l.op) && logs[i + 1]?.depth === l.depth + 1) cost = l.gas - logs[i + 1].gas;
  byDepthOp[k].gas += cost;
  perDepth[l.depth] = (perDepth[l.depth] ?? 0) + cost;
  if (l.op === "SLOAD" && l.gasCost >= 2100) coldS++;
  if (l.op === "SSTORE") sstore += l.gasCost;
}
console.log("cold SLOADs", coldS, "SSTORE gas", sstore, "perDepth", perDepth);
for (const [k, v] of Object.entries(byDepthOp).sort((a, b) => b[1].gas - a[1].gas).slice(0, 22)) console.log(k, v.n, v.gas);
