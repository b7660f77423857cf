#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx's loader, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main, quietOnClosedPipe } = await import('../src/cli/main.ts');
quietOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
