/**
 * Deploys the Bulwark parameter path: a TimelockController (governance), the PriceOracle and the
 * BoundedRiskUpdater (which is also the RiskParameterRegistry the margin engine reads). Assets, feeds
 * and bounds are then configured by governance through the timelock (scripts/lib/timelock.ts).
 *
 * Parameters (ignition/parameters.example.json):
 *   timelockMinDelay   seconds (default 2 days)
 *   timelockProposers  addresses allowed to schedule (the risk council's multisig)
 *   timelockExecutors  addresses allowed to execute (default: anyone, the zero address)
 *   guardian           the account that may pause, freeze and tighten at once
 *   calibratorSigners  the calibrators' signing addresses
 *   quorum             distinct signatures a report needs (default 1)
 *   maxReportAge       seconds (default 1 hour)
 *   sequencerFeed      L2 sequencer-uptime feed, or the zero address on L1 (default)
 *   sequencerGracePeriod seconds (default 1 hour)
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const ZERO = "0x0000000000000000000000000000000000000000";

export default buildModule("Bulwark", (m) => {
  const timelock = m.contract("TimelockController", [
    m.getParameter("timelockMinDelay", 2 * 86_400),
    m.getParameter<string[]>("timelockProposers"),
    m.getParameter<string[]>("timelockExecutors", [ZERO]),
    ZERO, // no admin: the timelock administers itself
  ]);
  const oracle = m.contract("PriceOracle", [
    timelock,
    m.getParameter("sequencerFeed", ZERO),
    m.getParameter("sequencerGracePeriod", 3_600),
  ]);
  const updater = m.contract("BoundedRiskUpdater", [
    timelock,
    m.getParameter<string>("guardian"),
    oracle,
    m.getParameter<string[]>("calibratorSigners"),
    m.getParameter("quorum", 1),
    m.getParameter("maxReportAge", 3_600),
  ]);
  return { timelock, oracle, updater };
});
