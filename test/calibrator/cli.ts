import { expect } from "chai";
import { expectClose } from "../helpers/approx.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exitReport } from "../../calibrator/cliSupport/exitCodes.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
const bulwark = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...args], { encoding: "utf8" });

describe("bulwark CLI", function () {
  this.timeout(30_000);

  it("version --json prints the package version and the pinned toolchain", function () {
    const run = bulwark("version", "--json");
    expect(run.status).to.equal(0);
    const info = JSON.parse(run.stdout) as Record<string, string>;
    expect(info.version).to.equal(pkg.version);
    expect(info.solc).to.equal("0.8.30");
    expect(info.viem).to.equal("2.57.1");
  });

  it("--help lists the commands", function () {
    const run = bulwark("--help");
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/Commands:[\s\S]*version/);
  });

  it("vol --json fits GARCH on ETHUSDT hourly 2022-2025 and reports the issue's fields", function () {
    const run = bulwark("vol", "--input", "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1h_2022_2025.csv", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as {
      model: string;
      n: number;
      params: Record<string, number>;
      logLikelihood: number;
      sigmaNext: number;
      annualizedVol: number;
      timings: { fitMs: number };
    };
    expect(out.model).to.equal("garch");
    expect(out.n).to.equal(34_348);
    expect(Object.keys(out.params)).to.deep.equal(["mu", "omega", "alpha", "beta"]);
    expect(out.params.alpha! + out.params.beta!).to.be.below(1);
    expectClose(out.annualizedVol, out.sigmaNext * Math.sqrt(8_760), 1e-12);
    expect(out.logLikelihood).to.be.greaterThan(100_000);
    expect(out.timings.fitMs).to.be.a("number");
  });

  it("vol --model ewma and hist report their own parameters", function () {
    const file = "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv";
    const ewmaOut = JSON.parse(bulwark("vol", "--input", file, "--model", "ewma", "--lambda", "0.97", "--json").stdout) as {
      params: { lambda: number };
      annualizedVol: number;
      sigmaNext: number;
    };
    expect(ewmaOut.params).to.deep.equal({ lambda: 0.97 });
    expectClose(ewmaOut.annualizedVol, ewmaOut.sigmaNext * Math.sqrt(365), 1e-12);
    const hist = JSON.parse(bulwark("vol", "--input", file, "--model", "hist", "--json").stdout) as { n: number; params: object };
    expect(hist.n).to.equal(1_431);
    expect(hist.params).to.deep.equal({});
  });

  it("vol names the file, row and field of bad data, and rejects bad options", function () {
    const gap = bulwark("vol", "--input", "data/format_samples/ETHUSDT_1h_2017_2021_excerpt.csv", "--max-gap", "1", "--json");
    expect(gap.status).to.equal(2);
    expect(gap.stderr).to.include("ETHUSDT_1h_2017_2021_excerpt.csv:49 [open_time_utc]: gap of 2 missing candles");
    const lambda = bulwark("vol", "--input", "x.csv", "--model", "ewma", "--lambda", "1.5");
    expect(lambda.status).to.not.equal(0);
    expect(lambda.stderr).to.include("--lambda");
  });

  it("var --json reports method, confidence, horizon, VaR and ES for each method", function () {
    const file = "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv";
    const results = ["historical", "normal", "student-t", "fhs"].map(
      (method) =>
        JSON.parse(
          bulwark("var", "--input", file, "--confidence", "0.99", "--horizon-periods", "10", "--method", method, "--paths", "2000", "--json").stdout,
        ) as { method: string; confidence: number; horizonPeriods: number; var: number; es: number },
    );
    for (const r of results) {
      expect(r).to.include({ confidence: 0.99, horizonPeriods: 10 });
      expect(r.es).to.be.greaterThan(r.var);
      expect(r.var).to.be.within(0.1, 0.6);
    }
    expect(results.map((r) => r.method)).to.deep.equal(["historical", "normal", "student-t", "fhs"]);
    const bad = bulwark("var", "--input", file, "--confidence", "99");
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.include("--confidence");
  });

  it("slippage --json reports the spot price and one fill per size", function () {
    const run = bulwark("slippage", "--pool", "data/uniswap_v3_usdc_weth_005_ticks", "--sell", "1,100,1000", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { spotPrice: number; sell: string; fills: { amountIn: number; amountOut: number; avgPrice: number; slippage: number }[] };
    expect(out.sell).to.equal("WETH");
    expect(out.fills.map((f) => f.amountIn)).to.deep.equal([1, 100, 1000]);
    for (const f of out.fills) expectClose(f.avgPrice, f.amountOut / f.amountIn, 1e-9);
    expect(out.fills[2]!.slippage).to.be.greaterThan(out.fills[0]!.slippage);
    const bad = bulwark("slippage", "--pool", "data/uniswap_v3_usdc_weth_005_ticks", "--sell", "1,-5");
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include("--sell takes positive amounts");
  });

  it("iv --json reports quotes and SVI slices with the issue's fields", function () {
    const run = bulwark("iv", "--input", "data/deribit_btc_eth_option_snapshots_2025_2026/deribit_options_snapshot_20260305T042746Z.csv", "--currency", "ETH", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as {
      quotes: { instrument: string; expiry: string; strike: number; T: number; forward: number; iv: number }[];
      slices: { expiry: string; T: number; n: number; svi: Record<string, number>; rmseIv: number; butterflyFree: boolean }[];
      timings: { fitMs: number };
    };
    expect(out.quotes[0]).to.include.keys(["instrument", "expiry", "strike", "T", "forward", "iv"]);
    expect(out.quotes[0]!.expiry).to.match(/^\d{4}-\d{2}-\d{2}T08:00:00Z$/);
    expect(Object.keys(out.slices[0]!.svi)).to.deep.equal(["a", "b", "rho", "m", "sigma"]);
    expect(out.slices.every((s) => s.butterflyFree)).to.equal(true);
    expect(out.timings.fitMs).to.be.a("number");
  });

  it("calibrate with a selection block scores the candidates on worker threads and publishes the chosen set with its frontier", function () {
    const config = JSON.parse(readFileSync("config/calibrate.sample.json", "utf8")) as Record<string, unknown> & { assets: Record<string, unknown>[] };
    const dir = mkdtempSync(join(tmpdir(), "bulwark-select-"));
    const file = join(dir, "calibrate.json");
    const at = (p: string) => fileURLToPath(new URL(`../../config/${p}`, import.meta.url));
    const assets = config.assets.map((a) => ({
      ...a,
      candles: at(a.candles as string),
      pool: at(a.pool as string),
      options: { ...(a.options as Record<string, string>), snapshot: at((a.options as Record<string, string>).snapshot!) },
      longRunHistory: (a.longRunHistory as string[]).map(at),
    }));
    const selection = { scenarios: { count: 100 }, workers: 2, book: { count: 2_000, seed: 7, minUsd: 5_000, maxUsd: 500_000, minLimitUse: 0.5, maxLimitUse: 0.98, sample: 200 } };
    writeFileSync(file, JSON.stringify({ ...config, assets, selection }));
    const run = bulwark("calibrate", "--config", file, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { symbol: string; params: { ltvBps: number; liquidationThresholdBps: number }; report: { selection: { candidates: number; chosen: { ltvBps: number; liquidationThresholdBps: number }; frontier: unknown[] } } }[];
    for (const a of out) {
      expect(a.report.selection.candidates).to.be.at.least(50);
      expect(a.report.selection.frontier.length).to.be.at.least(2);
      expect(a.params.ltvBps).to.equal(a.report.selection.chosen.ltvBps);
      expect(a.params.liquidationThresholdBps).to.equal(a.report.selection.chosen.liquidationThresholdBps);
    }
    const text = bulwark("calibrate", "--config", file);
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/selection by simulation: \d+ candidates on 100 paths \(25 historical crash blocks\)/);
  });

  it("calibrate --json gives each asset's parameters in bps and a hashed report", function () {
    const run = bulwark("calibrate", "--config", "config/calibrate.sample.json", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { symbol: string; params: Record<string, number | string>; report: { reportHash: string } }[];
    expect(out.map((a) => a.symbol)).to.deep.equal(["WETH", "WBTC"]);
    for (const a of out) {
      expect(Object.keys(a.params).sort()).to.deep.equal(
        ["closeFactorBps", "liquidationBonusBps", "liquidationCapPerWindow", "liquidationThresholdBps", "liquidationWindow", "ltvBps"],
      );
      expect(a.report.reportHash).to.match(/^0x[0-9a-f]{64}$/);
    }
  });

  it("calibrate prints the estimates behind each parameter and warns of a proxy pool (issue 17 item 6)", function () {
    const json = JSON.parse(bulwark("calibrate", "--config", "config/calibrate.sample.json", "--json").stdout) as {
      symbol: string;
      params: { ltvBps: number; liquidationThresholdBps: number; liquidationBonusBps: number };
      reasoning: { tail: { horizonEs: number; fhsEs: number; normalEs: number; longRunHorizonEs: number; binding: string }; bonus: { bonusRaw: number; slippage: number }; spiralProduct: number; liquidity: { stressedSlippage: number } };
      warnings: string[];
    }[];
    for (const a of json) {
      // The reasoning holds the numbers that made the parameters: the ES is the largest of its three estimates,
      // and the spiral product is that of the rounded threshold and bonus.
      const t = a.reasoning.tail;
      expect(t.horizonEs).to.equal(Math.max(t.fhsEs, t.normalEs, t.longRunHorizonEs));
      expectClose(a.reasoning.spiralProduct, (a.params.liquidationThresholdBps / 10_000) * (1 + a.params.liquidationBonusBps / 10_000), 1e-12);
      expect(a.params.liquidationBonusBps).to.equal(Math.ceil(Math.max(a.reasoning.bonus.bonusRaw, 0.02) * 10_000));
    }
    expect(json[0]!.warnings).to.deep.equal([]);
    expect(json[1]!.warnings.join("\n")).to.match(/WBTC's slippage and cap are priced off a proxy pool/);
    const run = bulwark("calibrate", "--config", "config/calibrate.sample.json");
    expect(run.status, run.stderr).to.equal(0);
    const weth = json[0]!;
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    expect(run.stdout).to.include("WETH: why");
    expect(run.stdout).to.include(`→ ${pct(weth.reasoning.tail.horizonEs)} (${weth.reasoning.tail.binding} binds)`);
    expect(run.stdout).to.match(/σ: GARCH [\d.]+% per 1 h, implied ATM [\d.]+% a year/);
    expect(run.stdout).to.include(`slippage selling $2,000,000 into ../data/uniswap_v3_usdc_weth_005_ticks: ${pct(weth.reasoning.liquidity.stressedSlippage)}`);
    expect(run.stdout).to.match(/bonus = \(slippage [\d.]+% \+ gas [\d.]+% \+ price risk max\(now [\d.]+%, 10-year [\d.]+%\)\)/);
    expect(run.stdout).to.include(`spiral product LT × (1 + LB) = ${weth.reasoning.spiralProduct.toFixed(4)} ≤ 0.9800`);
    expect(run.stdout).to.match(/warning: WBTC's slippage and cap are priced off a proxy pool/);
    expect(run.stdout).to.include("give --deployment to see what the chain would clamp");
  });

  it("calibrate --deployment says when the chain's bounds will clamp a target, and --json carries the clamped values", function () {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-clamp-"));
    const spec = JSON.parse(readFileSync("deploy/local.json", "utf8")) as { assets: { symbol: string; rules: { ltv: { max: number }; liquidationThreshold: { max: number } } }[] };
    const wbtc = spec.assets.find((a) => a.symbol === "WBTC")!;
    wbtc.rules.ltv.max = 8200;
    wbtc.rules.liquidationThreshold.max = 8500;
    const file = join(dir, "narrow.json");
    writeFileSync(file, JSON.stringify(spec));
    const run = bulwark("calibrate", "--config", "config/calibrate.sample.json", "--deployment", file);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/warning: the chain's bounds clamp WBTC's target: LTV [\d.]+% → 82\.00%, threshold [\d.]+% → 85\.00%/);
    expect(run.stdout).to.not.match(/clamp WETH/);
    expect(run.stdout).to.not.include("give --deployment");
    const json = JSON.parse(bulwark("calibrate", "--config", "config/calibrate.sample.json", "--deployment", file, "--json").stdout) as { symbol: string; clamped?: { ltvBps: number; liquidationThresholdBps: number } }[];
    expect(json[0]!.clamped).to.equal(undefined);
    expect(json[1]!.clamped).to.include({ ltvBps: 8200, liquidationThresholdBps: 8500 });
    const unknown = JSON.parse(readFileSync("deploy/local.json", "utf8")) as { assets: { symbol: string }[] };
    unknown.assets = unknown.assets.filter((a) => a.symbol === "WETH");
    writeFileSync(file, JSON.stringify(unknown));
    const missing = bulwark("calibrate", "--config", "config/calibrate.sample.json", "--deployment", file);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.include("has no asset WBTC (it has WETH)");
  });

  it("an unknown command fails with a clear message and a non-zero exit", function () {
    const run = bulwark("frobnicate");
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.include("unknown command 'frobnicate'");
  });
});

describe("bulwark CLI: paths on the command line resolve against the caller's directory (issue 17 item 4)", function () {
  this.timeout(60_000);
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const caller = mkdtempSync(join(tmpdir(), "bulwark-caller-"));
  const daily = readFileSync(join(repo, "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv"), "utf8").split("\n").slice(0, 201).join("\n");
  writeFileSync(join(caller, "my.csv"), `${daily}\n`);

  it("cd /tmp/x && bin/bulwark vol --input my.csv reads /tmp/x/my.csv", function () {
    const run = spawnSync(join(repo, "bin/bulwark"), ["vol", "--input", "my.csv", "--model", "hist", "--json"], { cwd: caller, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as { n: number }).n).to.equal(199);
  });

  it("a relative path that exists only under the repository root is not found from elsewhere", function () {
    const run = spawnSync(join(repo, "bin/bulwark"), ["vol", "--input", "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv"], { cwd: caller, encoding: "utf8" });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include(join(caller, "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv"));
  });

  it("npm run bulwark from a subdirectory resolves against that subdirectory (INIT_CWD)", function () {
    const run = spawnSync("npm", ["--prefix", repo, "run", "--silent", "bulwark", "--", "vol", "--input", "my.csv", "--model", "hist", "--json"], { cwd: caller, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as { n: number }).n).to.equal(199);
  });
});

describe("bulwark CLI: every error is one line and a documented exit code (2 bad input, 3 unreachable network, 1 internal)", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "bulwark-exit-"));
  const constant = join(dir, "constant.csv");
  writeFileSync(constant, ["timestamp,open,high,low,close,volume", ...Array.from({ length: 300 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1, i)).toISOString().slice(0, 19).replace("T", " ")},100,100,100,100,10`)].join("\n"));
  const keeperConfig = join(dir, "keeper.json");
  writeFileSync(
    keeperConfig,
    JSON.stringify({
      rpcUrl: "http://127.0.0.1:1",
      contracts: { updater: "0x0000000000000000000000000000000000000001" },
      calibration: join(process.cwd(), "config/calibrate.sample.json"),
      assets: [{ symbol: "WETH", address: "0x0000000000000000000000000000000000000002" }],
      relayer: { keyEnv: "BULWARK_EXIT_TEST_KEY" },
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, requestTimeoutMs: 500 },
    }),
  );
  // Configs with a typo (issue 17 item 1): refused naming the file and the field, never defaulted.
  const sample = JSON.parse(readFileSync("config/calibrate.sample.json", "utf8")) as { policy: Record<string, unknown>; assets: Record<string, unknown>[] };
  const withPaths = (c: typeof sample) => ({ ...c, assets: c.assets.map((a) => ({ ...a, candles: join(process.cwd(), "config", a.candles as string), pool: join(process.cwd(), "config", a.pool as string) })) });
  const typoPolicy = join(dir, "typo-policy.json");
  writeFileSync(typoPolicy, JSON.stringify(withPaths({ ...sample, policy: { ...sample.policy, esConfidance: 0.99 } })));
  const typoAsset = join(dir, "typo-asset.json");
  writeFileSync(typoAsset, JSON.stringify(withPaths({ ...sample, assets: [{ ...sample.assets[0]!, poolIsProxi: true }, sample.assets[1]!] })));
  const twice = join(dir, "twice.json");
  writeFileSync(twice, JSON.stringify(withPaths({ ...sample, assets: [sample.assets[0]!, sample.assets[0]!] })));
  const noScheme = join(dir, "keeper-no-scheme.json");
  writeFileSync(noScheme, readFileSync(keeperConfig, "utf8").replace("http://127.0.0.1:1", "localhost:8545"));
  const huge = join(dir, "huge-size.json");
  writeFileSync(huge, JSON.stringify(withPaths({ ...sample, assets: [{ ...sample.assets[0]!, stressedSizeUsd: 1e300 }, sample.assets[1]!] })));
  const cases: { args: string[]; code: number; says: RegExp }[] = [
    { args: ["keeper", "--config", noScheme, "--once", "--dry-run"], code: 2, says: /keeper-no-scheme\.json \[rpcUrl\]: an http:\/\/ or https:\/\/ URL/ },
    { args: ["calibrate", "--config", huge], code: 2, says: /huge-size\.json \[assets\.0\.stressedSizeUsd\]/ },
    { args: ["calibrate", "--config", typoPolicy], code: 2, says: /typo-policy\.json.*policy.*esConfidance/ },
    { args: ["calibrate", "--config", typoAsset], code: 2, says: /typo-asset\.json.*assets\.0.*poolIsProxi/ },
    { args: ["calibrate", "--config", twice], code: 2, says: /twice\.json.*assets\.1\.symbol.*duplicate symbol WETH/ },
    { args: ["vol", "--input", constant, "--model", "garch"], code: 2, says: /constant series/ },
    { args: ["var", "--input", constant, "--method", "fhs", "--confidence", "0.99"], code: 2, says: /constant series/ },
    { args: ["slippage", "--pool", "data/uniswap_v3_usdc_weth_005_ticks", "--sell", "1e30"], code: 2, says: /below 1e21/ },
    { args: ["slippage", "--pool", join(dir, "missing"), "--sell", "1"], code: 2, says: /cannot read the folder \(ENOENT\)/ },
    { args: ["slippage", "--pool", "README.md", "--sell", "1"], code: 2, says: /is a file/ },
    { args: ["vol", "--input", "data/binance_spot_eth_btc_2022_2025/ETHUSDT_1d_2022_2025.csv", "--model", "garch", "--lambda", "0.9"], code: 2, says: /--lambda is the EWMA decay/ },
    { args: ["backtest", "--config", "config/backtest.sample.json", "--assets", "DOGE"], code: 2, says: /DOGE not in/ },
    { args: ["backtest", "--config", "config/backtest.sample.json", "--from", "2022-02-30", "--to", "2022-03-02"], code: 2, says: /not a calendar date/ },
    { args: ["var", "--input", constant], code: 2, says: /required option/ },
    { args: ["keeper", "--config", keeperConfig, "--once", "--dry-run"], code: 3, says: /network unreachable/ },
  ];
  for (const c of cases) {
    it(`bulwark ${c.args.join(" ").replace(dir, "<tmp>")} → exit ${c.code}`, function () {
      const run = spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...c.args], { encoding: "utf8", env: { ...process.env, BULWARK_EXIT_TEST_KEY: `0x${"11".repeat(32)}`, BULWARK_DEBUG: "" } });
      expect(run.status, run.stderr).to.equal(c.code);
      expect(run.stderr).to.match(c.says);
      expect(run.stderr + run.stdout, "no stack trace").to.not.match(/\n\s+at .+[:(]\d+|node:internal|^\s*\^\s*$/m);
    });
  }

  for (const [flag, value, says] of [["--window", "foo", /Allowed choices are 2020-03-12/], ["--borrowers", "-5", /positive integer/], ["--seed", "abc", /non-negative integer/]] as const) {
    it(`npm run demo -- ${flag} ${value} → exit 2 before anything runs`, function () {
      const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/demo.ts", flag, value], { encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(2);
      expect(run.stderr).to.match(says);
      expect(run.stdout, "nothing ran").to.equal("");
      expect(run.stderr).to.not.match(/\n\s+at .+[:(]\d+/);
    });
  }

  it("exitReport: an unknown error is internal (exit 1) and names where to look, a socket error is unreachable (exit 3)", function () {
    expect(exitReport(new TypeError("x is undefined"))).to.deep.equal({ code: 1, message: "internal error: x is undefined (run with BULWARK_DEBUG=1 for the stack, and report it)" });
    expect(exitReport(Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } })).code).to.equal(3);
    expect(exitReport(Object.assign(new Error("open"), { code: "ENOENT", path: "/x" }))).to.deep.equal({ code: 2, message: "cannot read /x: ENOENT" });
    const revert = Object.assign(new Error("The contract function \"execute\" reverted."), {
      name: "ContractFunctionExecutionError",
      cause: { name: "ContractFunctionRevertedError", data: { errorName: "TimelockUnexpectedOperationState", args: ["0xab", 4n] } },
    });
    expect(exitReport(revert)).to.deep.equal({ code: 2, message: "the chain refused it: TimelockUnexpectedOperationState(0xab, 4)" });
  });
});
