import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { AUDIT_RULES } from '../../../../src/analysis/rules/index.js';
import { rule } from '../../../../src/findings/catalog.js';

const ROOT = new URL('../../../../../', import.meta.url);

test('every audit rule is registered once, agrees with the catalog, and has its doc page', () => {
  const ids = AUDIT_RULES.map((r) => r.meta.id);
  assert.deepEqual([...ids].sort(), ['ZA101', 'ZA102', 'ZA103', 'ZA201', 'ZA202', 'ZA203', 'ZA204', 'ZA205']);
  for (const r of AUDIT_RULES) {
    const c = rule(r.meta.id);
    assert.equal(r.meta.severity, c.severity, r.meta.id);
    assert.equal(r.meta.title, c.title, r.meta.id);
    assert.ok(existsSync(new URL(r.meta.doc, ROOT)), r.meta.doc);
  }
});
