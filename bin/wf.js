#!/usr/bin/env node
// The `wf` command: the compiled CLI (`npm run build` compiles it; a packed package ships it built).
require('../dist/src/cli/main.js').main();
