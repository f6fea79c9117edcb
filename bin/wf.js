#!/usr/bin/env node
// The `wf` command: the compiled CLI (`npm run build` compiles it; `npm install` runs the build).
require('../dist/src/cli/main.js').main();
