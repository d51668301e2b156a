/**
 * Contract between the ASL files and their task handlers: every task an ASL state calls has its
 * input schema in the handler it calls (with exactly the payload's keys), and every schema of a
 * handler is called by some state.
 */
import { describe, expect, it } from 'vitest';
import { allStates, definitionOf, taskModulesOf, taskShapes, workflowKeys } from './asl.ts';

describe.each(workflowKeys)('workflow %s and its task handlers', (key) => {
  const calls = () =>
    allStates(definitionOf(key))
      .filter(([, s]) => s.Type === 'Task')
      .map(([name, s]) => ({
        name,
        functionName: String(s.Parameters?.FunctionName),
        payload: s.Parameters?.Payload ?? {},
      }));

  it('calls every task with a payload its handler parses: the task exists, with exactly these keys', async () => {
    const modules = await taskModulesOf(key);
    const problems: string[] = [];
    for (const call of calls()) {
      const module = modules.get(call.functionName);
      if (!module) {
        problems.push(`${call.name}: ${call.functionName} is not a task function of ${key}`);
        continue;
      }
      const task = String(call.payload.task);
      const shape = taskShapes(module.taskInputSchema).find((s) => s.task === task);
      if (!shape) {
        problems.push(`${call.name}: task "${task}" has no input schema in its handler`);
        continue;
      }
      const sent = Object.keys(call.payload)
        .map((k) => k.replace(/\.\$$/, ''))
        .sort();
      const missing = shape.required.filter((k) => !sent.includes(k));
      const unknown = sent.filter((k) => !shape.keys.includes(k));
      if (missing.length || unknown.length)
        problems.push(
          `${call.name} (${task}): missing ${missing.join(',') || '-'}, unknown ${unknown.join(',') || '-'}`,
        );
    }
    expect(problems).toEqual([]);
  });

  it('uses every task input schema of its handlers in some state, but the retired ones', async () => {
    const modules = await taskModulesOf(key);
    const used = new Set(calls().map((c) => `${c.functionName} ${String(c.payload.task)}`));
    const unused = [...modules].flatMap(([fn, module]) =>
      taskShapes(module.taskInputSchema)
        .filter((s) => !module.RETIRED_TASKS?.includes(s.task))
        .map((s) => `${fn} ${s.task}`)
        .filter((k) => !used.has(k)),
    );
    expect(unused).toEqual([]);
  });

  it('calls no retired task, and keeps an input schema for each (executions that started before still call them)', async () => {
    const modules = await taskModulesOf(key);
    for (const [fn, module] of modules) {
      const schemas = taskShapes(module.taskInputSchema).map((s) => s.task);
      for (const task of module.RETIRED_TASKS ?? []) {
        expect(schemas, `${fn} ${task}`).toContain(task);
        expect(
          calls().filter((c) => c.functionName === fn && c.payload.task === task),
          `${fn} ${task}`,
        ).toEqual([]);
      }
    }
  });
});
