#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources through tsx, always through oclif.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
