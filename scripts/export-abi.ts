/** `npm run abi`: writes calibrator/abi/contracts.ts from the compiled artifacts (calibrator/abi/render.ts). */
import { writeFileSync } from "node:fs";
import { renderAbiModule } from "../calibrator/abi/render.js";

writeFileSync("calibrator/abi/contracts.ts", renderAbiModule("artifacts"));
console.log("wrote calibrator/abi/contracts.ts");
