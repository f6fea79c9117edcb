/**
 * Stands for an outside service a workflow calls (here: a mail provider). Tests never reach it:
 * they mock the steps that call it (docs/testing.md).
 */
export const mailService = {
  async send(to: string, template: string): Promise<{ messageId: string }> {
    throw new Error(`The mail provider is not reachable from tests (mail "${template}" to ${to}): mock the step`);
  },
};
