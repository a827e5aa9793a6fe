#!/usr/bin/env node
// The `profiled` command. The sources are TypeScript run through tsx, so `npx profiled`
// works straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
