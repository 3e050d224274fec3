/** The seeded PRNG lives with the models (FHS uses it); tests share it. */
export { Rng, testSeed } from "../../calibrator/models/random.js";
