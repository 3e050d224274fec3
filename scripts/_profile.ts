import { network } from "hardhat";
import { packReport } from "../calibrator/rules/packing.js";
import { signReport } from "./lib/reportSigning.js";
import { buildReport, DEFAULT_PARAMS, deploySystem } from "./lib/system.js";
const { ethers, networkHelpers } = await network.create();
const system = await deploySystem(ethers, { quorum: 1 });
const asset = system.assets[0]!.address;
await networkHelpers.time.increase(3 * 86_400);
for (const a of system.assets) await a.feed.updateAnswer(a.spec.price8);
const report = await buildReport(system, asset, { ...DEFAULT_PARAMS, ltvBps: 8100, liquidationThresholdBps: 8350 });
const sigs = await signReport(system.calibrators.slice(0, 1), system.domain, report);
const tx = await system.updater.connect(system.relayer).submitReport(packReport(report), sigs);
const rc = await tx.wait();
console.log("gasUsed", rc!.gasUsed, "calldata bytes", (tx.data.length - 2) / 2);
const data = tx.data.slice(2); let z = 0, nz = 0; for (let i = 0; i < data.length; i += 2) (data.slice(i, i+2) === "00" ? z++ : nz++);
console.log("zero", z, "nonzero", nz, "calldata gas", z*4+nz*16);
const trace: any = await ethers.provider.send("debug_traceTransaction", [tx.hash, { disableStorage: true, disableMemory: true, disableStack: false }]);
const by: Record<string, {n:number, g:number}> = {};
const logs = trace.structLogs;
for (let i = 0; i < logs.length; i++) { const l = logs[i]; const op = l.op; by[op] ??= {n:0,g:0}; by[op].n++;
  // gasCost for CALL includes forwarded gas: use difference to next same-depth op instead
  let cost = l.gasCost;
  if (["CALL","STATICCALL","DELEGATECALL"].includes(op)) { const nx = logs.slice(i+1).find((x:any)=>x.depth===l.depth); cost = nx ? l.gas - nx.gas : cost; by[op+"(incl callee)"] ??= {n:0,g:0}; by[op+"(incl callee)"].g += cost; by[op+"(incl callee)"].n++; continue; }
  by[op].g += cost; }
const sorted = Object.entries(by).sort((a,b)=>b[1].g-a[1].g).slice(0,25);
for (const [op, v] of sorted) console.log(op.padEnd(28), v.n, v.g);
let total = 0; for (const l of logs) if (!["CALL","STATICCALL","DELEGATECALL"].includes(l.op)) total += l.gasCost; console.log("exec non-call sum", total, "gas field", trace.gas);
// per-frame breakdown: SLOAD by depth
const sl: Record<string, number> = {};
for (const l of logs) if (l.op === "SLOAD" || l.op === "SSTORE" || l.op.startsWith("LOG") || l.op === "KECCAK256") { const k = `${l.depth}:${l.op}`; sl[k] = (sl[k] ?? 0) + l.gasCost; }
console.log(sl);
let byDepth: Record<number, number> = {}; for (const l of logs) if (!["CALL","STATICCALL"].includes(l.op)) byDepth[l.depth] = (byDepth[l.depth] ?? 0) + l.gasCost; console.log("by depth (excl calls)", byDepth);
