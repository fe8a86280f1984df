/**
 * `quantlab ab list | results`: A/B tests between model versions, through `lab.abTests.list`
 * and `lab.abTests.results`.
 *
 * @module
 */
import type { Command } from 'commander';
import { AB_TEST_STATUSES } from '../../ab/lifecycle.js';
import type { AbTest, AbTestFilter, AbTestPage, AbTestResults } from '../../ab/types.js';
import type { AbTestStatus } from '../../storage/records.js';
import { formatFields, formatNumber, formatTable } from '../output.js';
import { type CliContext, withCommonOptions, withLab } from '../session.js';
import { listOf, parseLimit, parseText } from '../values.js';
import { nextPageHint } from './pages.js';

interface ListOptions {
  status?: AbTestStatus[];
  name?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Adds the `ab` command group to the program.
 *
 * @example
 * ```ts
 * registerAbCommands(program, context);
 * ```
 */
export function registerAbCommands(program: Command, context: CliContext): void {
  const group = program
    .command('ab')
    .description('A/B tests between model versions: list, results');

  withCommonOptions(group.command('list'))
    .description('list A/B tests, newest first')
    .option(
      '--status <statuses>',
      `only these statuses, comma-separated or repeated: ${AB_TEST_STATUSES.join(', ')}`,
      listOf(AB_TEST_STATUSES),
    )
    .option('--name <name>', 'only this exact name', parseText)
    .option('--limit <n>', 'page size, 1 to 1000 (default 100)', parseLimit)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action((options: ListOptions, command: Command) =>
      withLab(command, context, async ({ lab, print }) => {
        const filter: AbTestFilter = {
          ...(options.status !== undefined && { status: options.status }),
          ...(options.name !== undefined && { name: options.name }),
          ...(options.limit !== undefined && { limit: options.limit }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
        };
        print(await lab.abTests.list(filter), renderList);
      }),
    );

  withCommonOptions(group.command('results'))
    .description(
      'the analysis of a test from the database aggregates: per variant, against the control, SRM, winner',
    )
    .argument('<testId>', 'A/B test id')
    .action((testId: string, _options: unknown, command: Command) =>
      withLab(command, context, async ({ lab, progress, print }) => {
        progress.update('computing results');
        print(await lab.abTests.results(testId), renderResults);
      }),
    );
}

function renderList(page: AbTestPage): string {
  if (page.tests.length === 0) return 'No A/B tests found.\n';
  return (
    formatTable(page.tests, [
      { header: 'ID', value: (t) => t.id },
      { header: 'NAME', value: (t) => t.name },
      { header: 'STATUS', value: (t) => t.status },
      { header: 'VARIANTS', value: variantsOf },
      { header: 'ALLOCATION', value: (t) => t.allocation },
      { header: 'METRIC', value: (t) => t.primaryMetric },
      { header: 'WINNER', value: (t) => t.winner },
      { header: 'CREATED', value: (t) => t.createdAt },
    ]) + nextPageHint(page.nextCursor)
  );
}

function variantsOf(test: AbTest): string {
  return test.variants.map((v) => `${v.name}=${v.model}@${v.version}`).join(', ');
}

function renderResults(r: AbTestResults): string {
  const direction = r.higherIsBetter ? 'higher is better' : 'lower is better';
  const sections = [
    formatFields([
      ['test', `${r.name} (${r.testId})`],
      ['status', r.status],
      ['metric', `${r.primaryMetric} (${r.metricKind}, ${direction})`],
      [
        'analysis',
        `${r.sequential ? 'sequential (always valid)' : 'fixed sample'}, ${pct(r.confidenceLevel)} confidence`,
      ],
      [
        'samples',
        `${r.enoughSamples ? 'enough' : 'not enough yet'}: at least ${r.minimumSamplesPerVariant} outcomes per variant`,
      ],
    ]),
    formatTable(r.variants, [
      { header: 'VARIANT', value: (v) => v.name },
      { header: 'MODEL', value: (v) => `${v.model}@${v.version}` },
      { header: 'PREDICTIONS', value: (v) => v.predictions, align: 'right' },
      { header: 'N', value: (v) => v.n, align: 'right' },
      { header: r.metricKind === 'binary' ? 'RATE' : 'MEAN', value: (v) => v.mean, align: 'right' },
      { header: 'SD', value: (v) => v.sd, align: 'right' },
      { header: 'RMSE', value: (v) => v.rmse, align: 'right' },
      { header: 'STOPPED', value: (v) => (v.stopped ? 'yes' : '') },
    ]),
  ];
  if (r.comparisons.length > 0) {
    sections.push(
      formatTable(r.comparisons, [
        { header: 'AGAINST CONTROL', value: (c) => c.variant },
        { header: 'DIFFERENCE', value: (c) => c.difference, align: 'right' },
        { header: 'CI', value: (c) => `${formatNumber(c.ci[0])} .. ${formatNumber(c.ci[1])}` },
        { header: 'P', value: (c) => c.pValue, align: 'right' },
        { header: 'HOLM P', value: (c) => c.adjustedPValue, align: 'right' },
        { header: 'DIRECTION', value: (c) => (c.significant ? c.direction : 'none') },
      ]),
    );
  }
  if (r.secondary.length > 0) {
    sections.push(
      formatTable(r.secondary, [
        { header: 'SECONDARY', value: (s) => s.metric },
        { header: 'VARIANT', value: (s) => s.variant },
        { header: 'DIFFERENCE', value: (s) => s.difference, align: 'right' },
        { header: 'CI', value: (s) => `${formatNumber(s.ci[0])} .. ${formatNumber(s.ci[1])}` },
        { header: 'BH P', value: (s) => s.adjustedPValue, align: 'right' },
        { header: 'DIRECTION', value: (s) => (s.significant ? s.direction : 'none') },
      ]),
    );
  }
  sections.push(
    formatFields([
      [
        'srm',
        r.srm === null
          ? 'not checked (adaptive or shadow split)'
          : `${r.srm.mismatch ? 'MISMATCH' : 'ok'} (chi2 ${formatNumber(r.srm.chi2)}, p ${formatNumber(r.srm.pValue)})`,
      ],
      ['winner', r.winner],
      ['losers', r.losers],
      ['recommendation', r.recommendation],
    ]),
  );
  return sections.join('\n');
}

function pct(level: number): string {
  return `${formatNumber(level * 100)}%`;
}
