// The benchmark's workflows, as a WORKFLOWS_PATH module (plain CommonJS) so that separate
// service processes load exactly the same code as the in-process runs.

/** W1: three steps, each returning a small object. */
module.exports.threeSteps = {
  name: 'bench-three-steps',
  async run(event, step) {
    const a = await step.do('one', async () => ({ i: 1, at: event.instanceId }));
    const b = await step.do('two', async () => ({ i: a.i + 1 }));
    const c = await step.do('three', async () => ({ i: b.i + 1 }));
    return c;
  },
};

/** W2: waits for one event; returns when it arrives. */
module.exports.waitsForEvent = {
  name: 'bench-wait-event',
  async run(event, step) {
    const received = await step.waitForEvent('wait', { type: 'go', timeout: '1 hour' });
    return received.payload;
  },
};

/** W3: sleeps one second and records when it woke, against when the sleep began. */
module.exports.sleepsOneSecond = {
  name: 'bench-sleep',
  async run(event, step) {
    const began = await step.do('before', async () => Date.now());
    await step.sleep('nap', '1 second');
    const woke = await step.do('after', async () => Date.now());
    return { began, woke };
  },
};

/** Fan-out: starts `children` children, waits for all of them, returns how many finished. */
module.exports.fanOut = {
  name: 'bench-fan-out',
  async run(event, step) {
    const count = event.payload.children;
    const handles = await Promise.all(Array.from({ length: count }, () => step.startWorkflow('bench-fan-child')));
    const done = await Promise.all(handles.map((h) => step.waitForWorkflow(h.workflowName, h.instanceId)));
    return done.length;
  },
};

/** Fan-out's child: one step. */
module.exports.fanChild = {
  name: 'bench-fan-child',
  async run(event, step) {
    return step.do('work', async () => event.instanceId.length);
  },
};
