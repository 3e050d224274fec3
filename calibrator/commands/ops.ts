/**
 * Operator commands over any RPC URL (viem): `bulwark inspect` prints the live parameters, bounds and
 * updater state; `bulwark govern schedule|execute` moves a proposal file through the timelock (register
 * signers, set bounds, …). Keys come from environment variables named on the command line.
 */
import { InputError } from "../data/errors.js";
import { bigintsAsStrings } from "../data/jsonFile.js";
import { Command } from "commander";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { boundedRiskUpdaterAbi, timelockControllerAbi } from "../abi/contracts.js";
import { readAssetState, readFeedHealth, readGlobals } from "../keeper/chain.js";
import { toRiskParams } from "../rules/chainState.js";
import { keyFromEnv } from "../keeper/config.js";
import { loadDeployment } from "../ops/deployment.js";
import { encodeProposal, loadProposal } from "../ops/governance.js";

const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;
const json = (v: unknown) => JSON.stringify(v, bigintsAsStrings);

export function inspectCommand(): Command {
  return new Command("inspect")
    .description("print the live risk parameters, bounds, cooldowns and feed health of a deployment")
    .requiredOption("--deployment <file>", "deployments/<chainId>.json from `npm run deploy`")
    .requiredOption("--rpc <url>", "JSON-RPC URL")
    .option("--json", "machine-readable output")
    .action(async (options: { deployment: string; rpc: string; json?: boolean }) => {
      const deployment = loadDeployment(options.deployment);
      const client = createPublicClient({ transport: http(options.rpc) });
      const globals = await readGlobals(client, deployment.updater);
      const rows = [];
      for (const a of deployment.assets) {
        const state = await readAssetState(client, deployment.updater, a.token);
        const effective = toRiskParams(await client.readContract({ address: deployment.updater, abi: boundedRiskUpdaterAbi, functionName: "effectiveParams", args: [a.token] }));
        const feed = await readFeedHealth(client, globals.oracle, a.token);
        rows.push({ symbol: a.symbol, stored: state.stored, effective, rules: state.rules, nonce: state.nonce, lastUpdateAt: state.lastUpdateAt, ramp: state.ramp, feed });
      }
      if (options.json) {
        console.log(json({ updater: deployment.updater, paused: globals.paused, quorum: globals.quorum, maxReportAge: globals.maxReportAge, assets: rows }));
        return;
      }
      console.log(`updater ${deployment.updater}: quorum ${globals.quorum}, max report age ${globals.maxReportAge} s${globals.paused ? ", PAUSED" : ""}`);
      console.table(
        Object.fromEntries(
          rows.map((r) => [
            r.symbol,
            {
              LTV: `${pct(r.effective.ltvBps)} [${pct(r.rules.ltv.min)}, ${pct(r.rules.ltv.max)}]`,
              threshold: `${pct(r.effective.liquidationThresholdBps)}${r.stored && r.stored.liquidationThresholdBps !== r.effective.liquidationThresholdBps ? ` → ${pct(r.stored.liquidationThresholdBps)} (ramp)` : ""}`,
              bonus: pct(r.effective.liquidationBonusBps),
              "close factor": pct(r.effective.closeFactorBps),
              "cap / window": `$${(Number(r.effective.liquidationCapPerWindow / 10n ** 18n) / 1e6).toFixed(2)}M / ${r.effective.liquidationWindow} s`,
              nonce: r.nonce.toString(),
              feed: r.feed.healthy ? `$${Number(r.feed.price18 / 10n ** 10n) / 1e8}` : "STALE",
            },
          ]),
        ),
      );
    });
}

export function governCommand(): Command {
  const govern = new Command("govern").description("schedule or execute a governance proposal through the timelock");
  for (const action of ["schedule", "execute"] as const) {
    govern
      .command(action)
      .description(action === "schedule" ? "schedule a proposal file's calls as one timelock batch (proposer key)" : "execute a scheduled proposal once its delay has passed (executor key)")
      .requiredOption("--deployment <file>", "deployments/<chainId>.json")
      .requiredOption("--proposal <file>", "proposal JSON: {title, calls: [{contract, method, args}]}")
      .requiredOption("--rpc <url>", "JSON-RPC URL")
      .requiredOption("--key-env <name>", "environment variable holding the proposer's or executor's key")
      .action(async (options: { deployment: string; proposal: string; rpc: string; keyEnv: string }) => {
        const deployment = loadDeployment(options.deployment);
        const op = encodeProposal(loadProposal(options.proposal), deployment, options.proposal);
        const account = privateKeyToAccount(keyFromEnv(options.keyEnv));
        const client = createPublicClient({ transport: http(options.rpc) });
        const wallet = createWalletClient({ account, transport: http(options.rpc) });
        const chain = await client.getChainId();
        if (chain !== deployment.chainId) throw new InputError(`${options.deployment}: chainId is ${deployment.chainId} but ${options.rpc} serves chain ${chain}`);
        const base = { address: deployment.timelock, abi: timelockControllerAbi, account, chain: null } as const;
        const hash =
          action === "schedule"
            ? await wallet.writeContract({ ...base, functionName: "scheduleBatch", args: [op.targets, op.values, op.payloads, op.predecessor, op.salt, await client.readContract({ ...base, functionName: "getMinDelay" })] })
            : await wallet.writeContract({ ...base, functionName: "executeBatch", args: [op.targets, op.values, op.payloads, op.predecessor, op.salt] });
        const receipt = await client.waitForTransactionReceipt({ hash });
        const id = await client.readContract({ ...base, functionName: "hashOperationBatch", args: [op.targets, op.values, op.payloads, op.predecessor, op.salt] });
        const ready = await client.readContract({ ...base, functionName: "getTimestamp", args: [id] });
        console.log(json({ action, operation: id, calls: op.targets.length, tx: hash, status: receipt.status, readyAt: ready.toString() }));
      });
  }
  return govern;
}
