/** Prometheus metrics (prom-client) and the loopback HTTP server that serves /metrics and /healthz. */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class KeeperMetrics {
  readonly registry = new Registry();
  readonly cycles = new Counter({ name: "bulwark_keeper_cycles_total", help: "Keeper cycles by outcome", labelNames: ["outcome"], registers: [this.registry] });
  readonly cycleSeconds = new Histogram({
    name: "bulwark_keeper_cycle_seconds",
    help: "Duration of a keeper cycle",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly reportsLanded = new Counter({ name: "bulwark_keeper_reports_landed_total", help: "Reports accepted on-chain", labelNames: ["asset"], registers: [this.registry] });
  readonly rpcRetries = new Counter({ name: "bulwark_keeper_rpc_retries_total", help: "RPC calls retried after a transient error", registers: [this.registry] });
  readonly feeBumps = new Counter({ name: "bulwark_keeper_fee_bumps_total", help: "Transactions replaced with a higher fee", registers: [this.registry] });
  readonly refusals = new Counter({ name: "bulwark_keeper_refusals_total", help: "Assets skipped on stale or invalid data", labelNames: ["asset", "reason"], registers: [this.registry] });
  readonly lastSuccess = new Gauge({ name: "bulwark_keeper_last_success_timestamp_seconds", help: "Unix time of the last successful cycle", registers: [this.registry] });
  readonly distanceToTarget = new Gauge({
    name: "bulwark_keeper_distance_to_target_bps",
    help: "Liquidation-threshold distance between the live value and the target",
    labelNames: ["asset"],
    registers: [this.registry],
  });
  /** Set when a cycle succeeds; /healthz fails once it is older than `staleAfterMs`. */
  lastSuccessMs = 0;
}

export interface MetricsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serveMetrics(metrics: KeeperMetrics, host: string, port: number, staleAfterMs: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (req.url === "/metrics") {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
        (error: Error) => res.writeHead(500).end(error.message),
      );
      return;
    }
    if (req.url === "/healthz") {
      const age = Date.now() - metrics.lastSuccessMs;
      const healthy = metrics.lastSuccessMs > 0 && age <= staleAfterMs;
      res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ healthy, lastSuccessAgeMs: metrics.lastSuccessMs ? age : null }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, host, ok));
  const address = server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
