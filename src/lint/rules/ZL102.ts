import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { shellStays } from './ZL101.js';

/** several commands under `sh -c` that this image's /bin/sh does not exec into (see ZL101 for the model) */
const r: LintRule = { meta: rule('ZL102'), check: ({ facts }) => shellStays(facts, 'ZL102') };
export default r;
