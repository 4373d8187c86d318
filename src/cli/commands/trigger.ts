import { Argument, type Command } from 'commander';
import { invalid } from '../../domain/errors.js';
import { Output } from '../output.js';
import { action, errorDocument, reportError } from '../run-action.js';
import { resolveSetting } from '../settings.js';
import { SCENARIO_NAMES, SCENARIOS } from '../trigger/scenarios.js';

export function registerTrigger(program: Command): void {
  program
    .command('trigger')
    .description("create a named scenario's transactions on the current engine (a paid, declined, refunded payment, shipments, links)")
    .addArgument(new Argument('[scenario]', 'the scenario to run (--list names them)').choices(SCENARIO_NAMES))
    .option('--list', 'name every scenario, one line each')
    .action(
      action(async (ctx, name: string | undefined, opts: { list?: boolean }) => {
        const { renderList, renderReport } = await import('../trigger/render.js');
        if (opts.list) {
          if (name !== undefined) throw invalid('conflicting_options', 'give a scenario or --list, not both', 'esipay trigger --list');
          const scenarios = SCENARIOS.map((s) => ({ name: s.name, summary: s.summary }));
          ctx.out.result({ scenarios }, () => renderList(ctx.out.color, SCENARIOS));
          return;
        }
        const entry = SCENARIOS.find((s) => s.name === name);
        if (!entry)
          throw invalid(
            'missing_scenario',
            'esipay trigger needs a scenario',
            `one of: ${SCENARIO_NAMES.join(', ')}; see esipay trigger --list`,
          );
        const engine = await ctx.openEngine();
        const remote = (await resolveSetting('engine', ctx.opts.engine)) === 'remote';
        const given = await resolveSetting('merchant', ctx.opts.merchant);
        const serviceUrl = remote ? await resolveSetting('url', ctx.opts.url) : undefined;
        const { runScenario } = await import('../trigger/run.js');
        const { report, failure } = await runScenario(entry, {
          engine,
          ...(given ? { given } : {}),
          ...(serviceUrl ? { serviceUrl } : {}),
        });
        if (!failure) {
          ctx.out.result(report, () => renderReport(ctx.out.color, report, ctx.out.columns));
          return;
        }
        // What it made before it stopped is in the database: the steps are part of the answer.
        ctx.out.result({ ...errorDocument(failure), ...report }, () => renderReport(ctx.out.color, report, ctx.out.columns));
        process.exitCode = reportError(new Output(false, ctx.out.stdout, ctx.out.stderr, ctx.opts.color !== false), failure);
      }),
    );
}
