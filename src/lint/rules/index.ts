import type { LintRule } from '../rule.js';
import ZL101 from './ZL101.js';
import ZL102 from './ZL102.js';
import ZL103 from './ZL103.js';
import ZL104 from './ZL104.js';
import ZL105 from './ZL105.js';
import ZL106 from './ZL106.js';
import ZL107 from './ZL107.js';
import ZL108 from './ZL108.js';
import ZL109 from './ZL109.js';
import ZL110 from './ZL110.js';
import ZL201 from './ZL201.js';
import ZL202 from './ZL202.js';
import ZL203 from './ZL203.js';

export const LINT_RULES: readonly LintRule[] = [ZL101, ZL102, ZL103, ZL104, ZL105, ZL106, ZL107, ZL108, ZL109, ZL110, ZL201, ZL202, ZL203];
