/**
 * `npm run deploy -- --network <name>`: deploys the whole system described by BULWARK_DEPLOYMENT
 * (default deploy/local.json) with Ignition and writes deployments/<chainId>.json for the keeper and
 * the operator scripts. Keys come from the network config: Hardhat's keystore or environment variables
 * (hardhat.config.ts, network "rpc": BULWARK_RPC_URL, BULWARK_DEPLOYER_KEY).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { deployBulwark } from "../calibrator/ops/deploy.js";
import { loadDeploymentSpec } from "../calibrator/ops/deploymentSpec.js";

const file = process.env.BULWARK_DEPLOYMENT ?? "deploy/local.json";
const spec = loadDeploymentSpec(file);
const { ethers, ignition } = await network.create();
const { addresses } = await deployBulwark(ignition, ethers, spec);
mkdirSync("deployments", { recursive: true });
const out = `deployments/${addresses.chainId}.json`;
writeFileSync(out, `${JSON.stringify(addresses, null, 2)}\n`);
console.log(`deployed ${spec.assets.length} collaterals from ${file}; addresses in ${out}`);
console.table({ timelock: addresses.timelock, oracle: addresses.oracle, updater: addresses.updater, engine: addresses.engine, debtAsset: addresses.debtAsset });
