/**
 * The keeper process: clients, signers, metrics server, the cycle loop and graceful shutdown
 * (SIGINT/SIGTERM finish the current cycle, close the server and exit 0).
 */
import { InputError } from "../data/errors.js";
import { createPublicClient, http, type LocalAccount, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { pino, type Logger } from "pino";
import { type KeeperConfig, keyFromEnv } from "./config.js";
import { type CycleResult, Keeper } from "./cycle.js";
import { KeeperMetrics, type MetricsServer, serveMetrics } from "./metrics.js";
import { sleep } from "./retry.js";

export interface KeeperRunOptions {
  once?: boolean;
  dryRun?: boolean;
  log?: Logger;
  /** Stop after this many cycles (tests). */
  maxCycles?: number;
  signal?: AbortSignal;
}

export function keeperClient(config: KeeperConfig): PublicClient {
  // Retries are the keeper's (with jitter, logged, counted), not the transport's.
  return createPublicClient({ transport: http(config.rpcUrl, { retryCount: 0, timeout: config.retry.requestTimeoutMs }), pollingInterval: 250 });
}

export function keeperAccounts(config: KeeperConfig, env: NodeJS.ProcessEnv = process.env): { relayer: LocalAccount; signers: LocalAccount[] } {
  return {
    relayer: privateKeyToAccount(keyFromEnv(config.relayer.keyEnv, env)),
    signers: config.signers.keyEnv.map((name) => privateKeyToAccount(keyFromEnv(name, env))),
  };
}

export async function runKeeper(config: KeeperConfig, options: KeeperRunOptions = {}): Promise<CycleResult[]> {
  const log = options.log ?? pino({ base: { service: "bulwark-keeper" } });
  const client = keeperClient(config);
  const chainId = await client.getChainId();
  if (config.chainId !== undefined && chainId !== config.chainId) {
    throw new InputError(`${config.file}: chainId is ${config.chainId} but ${config.rpcUrl} serves chain ${chainId}`);
  }
  const { relayer, signers } = keeperAccounts(config);
  const metrics = new KeeperMetrics();
  let server: MetricsServer | undefined;
  if (config.metrics) {
    server = await serveMetrics(metrics, config.metrics.host, config.metrics.port, 3 * config.intervalSeconds * 1000);
    log.info({ url: `http://${config.metrics.host}:${server.port}/metrics` }, "metrics served");
  }
  const keeper = new Keeper({ config, client, relayer, signers, log, metrics, chainId });
  let stopping = false;
  const stop = (signal: string) => {
    if (!stopping) log.info({ signal }, "shutting down after the current cycle");
    stopping = true;
  };
  const onSigint = () => stop("SIGINT");
  const onSigterm = () => stop("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  options.signal?.addEventListener("abort", () => stop("abort"));
  const results: CycleResult[] = [];
  try {
    log.info({ chainId, updater: config.contracts.updater, relayer: relayer.address, signers: signers.map((s) => s.address), assets: config.assets.map((a) => a.symbol), dryRun: !!options.dryRun }, "keeper started");
    for (let n = 0; !stopping; n++) {
      const started = performance.now();
      try {
        results.push(await keeper.cycle({ dryRun: options.dryRun }));
        metrics.cycles.inc({ outcome: "ok" });
        metrics.lastSuccessMs = Date.now();
        metrics.lastSuccess.set(Math.floor(Date.now() / 1000));
      } catch (error) {
        metrics.cycles.inc({ outcome: "error" });
        log.error({ error: (error as Error).message.split("\n")[0] }, "cycle failed; the next cycle starts from the chain's state");
        if (options.once) throw error;
      }
      metrics.cycleSeconds.observe((performance.now() - started) / 1000);
      if (options.once || (options.maxCycles !== undefined && n + 1 >= options.maxCycles)) break;
      // Sleep in short slices so a signal is honoured promptly.
      const until = Date.now() + config.intervalSeconds * 1000;
      while (!stopping && Date.now() < until) await sleep(Math.min(200, until - Date.now()));
    }
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    await server?.close();
    log.info("keeper stopped");
  }
  return results;
}
