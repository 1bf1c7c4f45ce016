import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL109: npm/yarn/pnpm start and conda run stay in front of the app (measured: pid1-facts.md)
test('ZL109 fires: npm start, npm run X, yarn start, pnpm start, conda run, also behind a script or under tini', async () => {
  for (const cmd of ['["npm", "start"]', '["npm", "run", "serve"]', '["yarn", "start"]', '["pnpm", "start"]', '["conda", "run", "-n", "env", "python", "app.py"]', 'npm start']) {
    assert.deepEqual(of(await lintFiles({ Dockerfile: `FROM node:20\nCMD ${cmd}\n` }), 'ZL109'), ['error'], cmd);
  }
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', 'e.sh': '#!/bin/sh\nnpm run migrate\nexec npm start\n' }), 'ZL109'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nENTRYPOINT ["tini", "--"]\nCMD ["npm", "start"]\n' }), 'ZL109'), ['error']);
});

test('ZL109 does not fire: node itself, npm ci in a build, npm as a step before exec node', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nRUN npm ci\nCMD ["node", "server.js"]\n' }), 'ZL109'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', 'e.sh': '#!/bin/sh\nnpm run migrate\nexec node server.js\n' }), 'ZL109'), []);
});
