/** The audit's rules, one module per finding id, in report order. */
import type { AuditRule } from './rule.js';
import { ZA101 } from './ZA101.js';
import { ZA102 } from './ZA102.js';
import { ZA103 } from './ZA103.js';
import { ZA201 } from './ZA201.js';
import { ZA202 } from './ZA202.js';
import { ZA203 } from './ZA203.js';
import { ZA204 } from './ZA204.js';
import { ZA205 } from './ZA205.js';

export type { AuditRule, RuleContext } from './rule.js';

export const AUDIT_RULES: readonly AuditRule[] = [ZA101, ZA102, ZA103, ZA201, ZA204, ZA202, ZA203, ZA205];
