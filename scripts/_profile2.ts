import { network } from "hardhat";
import { packReport } from "../calibrator/rules/packing.js";
import { signBatch } from "./lib/reportSigning.js";
import { buildReport, DEFAULT_PARAMS, deploySystem, type AssetSpec } from "./lib/system.js";
const { ethers, networkHelpers } = await network.create();
const specs: AssetSpec[] = Array.from({ length: 10 }, (_, i) => ({ symbol: `T${i}`, decimals: 18, price8: BigInt(100 + i) * 10n ** 8n }));
const system = await deploySystem(ethers, { assets: specs, quorum: 1 });
await networkHelpers.time.increase(3 * 86_400);
for (const a of system.assets) await a.feed.updateAnswer(a.spec.price8);
const reports = [];
for (const a of system.assets) reports.push(await buildReport(system, a.address, { ...DEFAULT_PARAMS, ltvBps: 8100, liquidationThresholdBps: 8350 }));
const sigs = await signBatch(system.calibrators.slice(0, 1), system.domain, reports);
const tx = await system.updater.connect(system.relayer).submitReports(reports.map(packReport), sigs);
const rc = await tx.wait();
const data = tx.data.slice(2); let z = 0, nz = 0; for (let i = 0; i < data.length; i += 2) (data.slice(i, i+2) === "00" ? z++ : nz++);
console.log("gasUsed", rc!.gasUsed, "calldata gas", z*4+nz*16, "bytes", data.length/2);
const trace: any = await ethers.provider.send("debug_traceTransaction", [tx.hash, { disableStorage: true, disableMemory: true }]);
const logs = trace.structLogs;
const by: Record<string, {n:number,g:number}> = {};
for (const l of logs) { if (["CALL","STATICCALL"].includes(l.op)) continue; const k = `${l.depth}:${l.op}`; by[k] ??= {n:0,g:0}; by[k].n++; by[k].g += l.gasCost; }
for (const [k,v] of Object.entries(by).sort((a,b)=>b[1].g-a[1].g).slice(0,22)) console.log(k.padEnd(20), v.n, v.g);
let mem = 0; for (let i=1;i<logs.length;i++){} 
