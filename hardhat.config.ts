import { createRequire } from "node:module";
import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

// solc comes from the npm package `solc` (pinned in package.json): Hardhat never downloads a compiler.
const require = createRequire(import.meta.url);
const SOLC_VERSION: string = require("solc/package.json").version;
const SOLC_PATH = require.resolve("solc/soljson.js");

const compiler = {
  version: SOLC_VERSION,
  path: SOLC_PATH,
  settings: {
    evmVersion: "prague",
    viaIR: true,
    optimizer: { enabled: true, runs: 10_000 },
  },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin, hardhatViem],
  solidity: {
    profiles: { default: compiler, production: compiler },
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
