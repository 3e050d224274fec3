/** The anvil process helper lives with the scripts (the bench uses it too). */
export { type AnvilNode, freePort, startAnvil } from "../fixtures/anvil.js";
