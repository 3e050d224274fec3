import { createRequire } from "node:module";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

// solc comes from the npm package `solc` (pinned in package.json): Hardhat never downloads a compiler.
const require = createRequire(import.meta.url);
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");

function compilerWithRuns(runs: number) {
  return {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: {
      evmVersion: "prague",
      viaIR: true,
      optimizer: { enabled: true, runs },
    },
  };
}

// Every contract is tuned for execution (runs 10,000) except MarginEngine, the largest: at 10,000 its
// runtime code would exceed EIP-170's 24,576 bytes, so it gets the highest `runs` that leaves room for
// the next change (test/contracts/codeSize.ts checks the limit; `npm run bench` prints the gas this costs).
// Solidity tests compile it inside their own jobs at 10,000 runs: the optimizer does not change
// behaviour, and the test VM does not enforce the size limit.
const MARGIN_ENGINE_RUNS = 2_000;
const profile = {
  compilers: [compilerWithRuns(10_000)],
  overrides: { "contracts/MarginEngine.sol": compilerWithRuns(MARGIN_ENGINE_RUNS) },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin, hardhatViem],
  solidity: {
    profiles: { default: profile, production: profile },
    npmFilesToBuild: [
      "@openzeppelin/contracts/governance/TimelockController.sol",
    ],
  },
  test: {
    solidity: {
      fuzz: { runs: 512 },
      invariant: { runs: 64, depth: 40, failOnRevert: false },
    },
  },
  networks: {
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // Any RPC: the URL and the deployer's key come from Hardhat's keystore (`npx hardhat keystore set
    // BULWARK_DEPLOYER_KEY`) or from environment variables of the same names; never from the repository.
    rpc: {
      type: "http",
      chainType: "l1",
      url: configVariable("BULWARK_RPC_URL"),
      accounts: [configVariable("BULWARK_DEPLOYER_KEY")],
    },
  },
});
